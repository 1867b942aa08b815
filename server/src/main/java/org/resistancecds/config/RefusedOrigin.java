package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.DefaultCorsProcessor;

/**
 * Spring's CORS checks, with a refusal the server's clients can read: a request from an origin off the list gets a
 * 403 OperationOutcome that names the setting to change, like every other refusal of this server, instead of
 * Spring's plain-text "Invalid CORS request". The same answer covers a method or header the endpoint does not take,
 * which Spring refuses in the same place.
 */
public final class RefusedOrigin extends DefaultCorsProcessor {

    private final byte[] body;

    /** @param setting the property that lists the allowed origins */
    public RefusedOrigin(FhirContext fhirContext, String setting) {
        // Spring refuses an origin off the list, a method or a request header the endpoint does not take alike.
        this.body = CdsErrorBody.json(fhirContext, HttpStatus.FORBIDDEN.value(), "Cross-origin request refused: "
                + "the page's origin is not one this endpoint lets in (" + setting + "), or the method or a request "
                + "header it asked for is not one the endpoint takes. Nothing was done.");
    }

    @Override
    protected void rejectRequest(ServerHttpResponse response) throws IOException {
        response.setStatusCode(HttpStatus.FORBIDDEN);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setCacheControl("no-store");
        response.getHeaders().setContentLength(body.length);
        response.getBody().write(body);
        response.flush();
    }
}
