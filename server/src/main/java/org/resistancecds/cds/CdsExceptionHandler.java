package org.resistancecds.cds;

import ca.uhn.fhir.context.FhirContext;
import java.util.UUID;
import org.resistancecds.storage.DatabaseUnreachable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Maps failures of the CDS endpoints to the status the CDS Hooks specification names, with an OperationOutcome
 * body. A lost database is a 503 with a Retry-After, as on the FHIR endpoints; anything else unexpected is logged
 * here and answered with a 500 that carries no internals.
 */
@RestControllerAdvice(assignableTypes = CdsHooksController.class)
public class CdsExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(CdsExceptionHandler.class);

    private final FhirContext fhirContext;

    public CdsExceptionHandler(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @ExceptionHandler(CdsHooksException.class)
    public ResponseEntity<byte[]> cds(CdsHooksException e) {
        if (e.status() >= 500) {
            String incident = UUID.randomUUID().toString();
            log.error("CDS call failed (incident {}): {}", incident, e.getMessage(), e);
            return CdsErrorBody.of(fhirContext, e.status(), e.getMessage() + " Incident " + incident
                    + " is in the server log.");
        }
        log.debug("CDS call refused ({}): {}", e.status(), e.getMessage());
        return CdsErrorBody.of(fhirContext, e.status(), e.getMessage());
    }

    /** A known service asked with another method than POST (an unknown one is 404 before this). */
    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    public ResponseEntity<byte[]> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        return CdsErrorBody.withStatus(405).header(HttpHeaders.ALLOW, "POST")
                .body(CdsErrorBody.json(fhirContext, 405, "A CDS service takes POST only, not " + e.getMethod()
                        + "; GET " + CdsHooksController.BASE + " lists the services."));
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<byte[]> unexpected(Exception e) {
        if (DatabaseUnreachable.poolExhausted(e)) {
            log.warn("CDS call failed with 503: every database connection stayed in use ({})", e.getMessage());
            return CdsErrorBody.withStatus(503)
                    .header(HttpHeaders.RETRY_AFTER, DatabaseUnreachable.RETRY_AFTER_SECONDS)
                    .body(CdsErrorBody.json(fhirContext, 503, "The CDS service is too busy at the moment: every "
                            + "database connection stayed in use; no cards were produced. Retry later."));
        }
        if (DatabaseUnreachable.causedBy(e)) {
            log.error("CDS call failed with 503: the database is unreachable", e);
            return CdsErrorBody.withStatus(503)
                    .header(HttpHeaders.RETRY_AFTER, DatabaseUnreachable.RETRY_AFTER_SECONDS)
                    .body(CdsErrorBody.json(fhirContext, 503, "The CDS service cannot reach its database at the "
                            + "moment; no cards were produced. Retry later."));
        }
        // The same incident id in the answer and the log, as on /fhir, so a report can be matched to its cause.
        String incident = UUID.randomUUID().toString();
        log.error("CDS call failed unexpectedly (incident {})", incident, e);
        return CdsErrorBody.of(fhirContext, 500, "The CDS service failed while answering; no cards were produced. "
                + "Incident " + incident + " is in the server log with the details.");
    }
}
