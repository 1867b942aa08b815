package org.resistancecds.cds.security;

/**
 * The token could not be checked for replay right now (the table the nodes share did not answer, or this node
 * remembers as many unexpired tokens as it may): refused, so that no replay passes, but with 503 and
 * {@code Retry-After}, since nothing is wrong with the token.
 */
public class ReplayCheckUnavailable extends AuthenticationFailure {

    public ReplayCheckUnavailable(String reason) {
        super(reason);
    }
}
