package org.resistancecds.cds;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Error bodies of the CDS endpoints: a FHIR OperationOutcome in JSON (what CDS Hooks 3.0 asks for with a 412,
 * and machine-readable for every other status), with the reason in {@code diagnostics}.
 */
public final class CdsErrorBody {

    private CdsErrorBody() {}

    public static ResponseEntity<byte[]> of(FhirContext fhirContext, int status, String message) {
        return withStatus(status).body(json(fhirContext, status, message));
    }

    /** The status and headers every error answer has, for a caller that adds its own (Retry-After, say). */
    public static ResponseEntity.BodyBuilder withStatus(int status) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /**
     * Writes the error straight to a servlet response, for filters that answer before the FHIR and CDS servlets run
     * (so for both kinds of endpoint): plain JSON to a CDS client, as the CDS controller answers, FHIR JSON to
     * everyone else.
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, FhirContext fhirContext,
            int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType(
                isCds(request) ? "application/json;charset=UTF-8" : "application/fhir+json;charset=UTF-8");
        response.getOutputStream().write(json(fhirContext, status, message));
    }

    /** Whether the request (the one that failed, on an error dispatch) was to the CDS endpoints. */
    private static boolean isCds(HttpServletRequest request) {
        Object failed = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String uri = failed != null ? failed.toString() : request.getRequestURI();
        return uri != null && uri.startsWith(request.getContextPath() + CdsHooksController.BASE);
    }

    public static byte[] json(FhirContext fhirContext, int status, String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(status >= 500 ? IssueSeverity.FATAL : IssueSeverity.ERROR)
                .setCode(issueType(status))
                .setDiagnostics(message);
        return fhirContext.newJsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8);
    }

    private static IssueType issueType(int status) {
        return switch (status) {
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 412 -> IssueType.INCOMPLETE;
            case 413 -> IssueType.TOOLONG;
            default -> status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
        };
    }
}
