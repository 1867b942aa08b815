package org.resistancecds.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.resistancecds.config.FhirRestfulServerConfig;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
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
     * (so for both kinds of endpoint): plain JSON to a CDS client, as the CDS controller answers; on {@code /fhir}
     * FHIR XML when the client asks for XML only ({@code _format} or {@code Accept}), or asks for nothing and sent
     * XML, as HAPI's own errors do; else FHIR JSON.
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, FhirContext fhirContext,
            int status, String message) throws IOException {
        response.setStatus(status);
        if (isCds(request)) {
            response.setContentType("application/json;charset=UTF-8");
            response.getOutputStream().write(json(fhirContext, status, message));
        } else if (isFhir(request) && wantsXml(request)) {
            response.setContentType("application/fhir+xml;charset=UTF-8");
            response.getOutputStream().write(fhirContext.newXmlParser().encodeResourceToString(outcome(status, message))
                    .getBytes(StandardCharsets.UTF_8));
        } else {
            response.setContentType("application/fhir+json;charset=UTF-8");
            response.getOutputStream().write(json(fhirContext, status, message));
        }
    }

    /** Read from the query string and headers only: the body of a refused request is never read for this. */
    private static boolean wantsXml(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("_format=")) {
                    String format = URLDecoder.decode(pair.substring("_format=".length()), StandardCharsets.UTF_8);
                    return format.toLowerCase(Locale.ROOT).contains("xml");
                }
            }
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if ((accept == null || accept.isBlank() || accept.strip().equals("*/*")) && request.getContentType() != null) {
            // No preference: HAPI answers in the format of the body sent.
            return EncodingEnum.forContentType(request.getContentType()) == EncodingEnum.XML;
        }
        if (accept == null) {
            return false;
        }
        try {
            // The client's first choice by quality, as HAPI picks (XML first with JSON at q=0.5 is answered in XML).
            List<MediaType> asked = new ArrayList<>(MediaType.parseMediaTypes(accept));
            asked.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
            for (MediaType type : asked) {
                String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
                if (type.getQualityValue() > 0 && (subtype.contains("xml") || subtype.contains("json"))) {
                    return subtype.contains("xml");
                }
            }
            return false;
        } catch (InvalidMediaTypeException unreadable) {
            return accept.toLowerCase(Locale.ROOT).contains("xml") && !accept.toLowerCase(Locale.ROOT).contains("json");
        }
    }

    /** Whether the request (the one that failed, on an error dispatch) was to the CDS endpoints. */
    private static boolean isCds(HttpServletRequest request) {
        return failedUri(request).startsWith(request.getContextPath() + CdsHooksController.BASE);
    }

    private static boolean isFhir(HttpServletRequest request) {
        return failedUri(request).startsWith(request.getContextPath() + FhirRestfulServerConfig.FHIR_PATH);
    }

    private static String failedUri(HttpServletRequest request) {
        Object failed = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String uri = failed != null ? failed.toString() : request.getRequestURI();
        return uri == null ? "" : uri;
    }

    public static byte[] json(FhirContext fhirContext, int status, String message) {
        String encoded = fhirContext.newJsonParser().encodeResourceToString(outcome(status, message));
        return encoded.getBytes(StandardCharsets.UTF_8);
    }

    private static OperationOutcome outcome(int status, String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(status >= 500 ? IssueSeverity.FATAL : IssueSeverity.ERROR)
                .setCode(issueType(status))
                .setDiagnostics(message);
        return outcome;
    }

    private static IssueType issueType(int status) {
        return switch (status) {
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 412 -> IssueType.INCOMPLETE;
            case 413 -> IssueType.TOOLONG;
            case 429 -> IssueType.THROTTLED;
            default -> status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
        };
    }
}
