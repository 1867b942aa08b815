package org.resistancecds.cds.security;

/** A CDS call whose JWT is missing or not acceptable; the message (the reason) goes to the client with a 401. */
public class AuthenticationFailure extends RuntimeException {

    public AuthenticationFailure(String reason) {
        super(reason);
    }
}
