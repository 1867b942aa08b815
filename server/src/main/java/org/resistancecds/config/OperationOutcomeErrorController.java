package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The errors Spring answers itself, outside HAPI's servlet and the CDS controller's own handler: no endpoint at the
 * path (404), a method the endpoint does not take (405, its {@code Allow} header kept), a format it cannot write
 * (406). They get the same OperationOutcome body as every other error of this server, in place of Spring's own
 * error document (which came labelled with whatever type the client had asked for).
 */
@RestController
public class OperationOutcomeErrorController implements ErrorController {

    private final FhirContext fhirContext;

    public OperationOutcomeErrorController(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @RequestMapping("${server.error.path:/error}")
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? "this path" : uri.toString();
        CdsErrorBody.write(request, response, fhirContext, status, switch (status) {
            case 404 -> "Nothing is served at " + path + ". The FHIR API is at /fhir, the CDS services at /cds-services.";
            case 405 -> "The endpoint at " + path + " does not take " + request.getMethod()
                    + "; the Allow header names what it takes.";
            case 406 -> "The endpoint at " + path + " answers in JSON only.";
            case 415 -> "The endpoint at " + path + " reads JSON only (Content-Type: application/json).";
            default -> status >= 500
                    ? "The server failed while answering; the server log has the details."
                    : "The request to " + path + " was refused (" + status + ").";
        });
    }
}
