package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.function.Supplier;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.resistancecds.cds.CdsErrorBody;

/**
 * Tomcat's error report, in JSON: the requests Tomcat refuses before any servlet runs (a request line it cannot
 * parse, a character the request target must not hold, an invalid percent-encoding in the path, an HTTP version it
 * does not speak) get an OperationOutcome like every other error of this server, instead of Tomcat's HTML page.
 * The message depends on the status only: no server name or version, no exception text.
 */
final class JsonErrorReportValve extends ErrorReportValve {

    private final Supplier<FhirContext> fhirContext;
    private final String cdsPath;

    /** @param cdsPath where the CDS services are (context path included): their clients get plain JSON */
    JsonErrorReportValve(Supplier<FhirContext> fhirContext, String cdsPath) {
        this.fhirContext = fhirContext;
        this.cdsPath = cdsPath;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As Tomcat's own report: errors only, once, and never over a body the application already wrote.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String target = request.getRequestURI() == null ? "" : request.getRequestURI();
        // FHIR clients get FHIR's media type. CDS clients, and those whose target Tomcat could not even read (so
        // the endpoint meant is unknown), get plain JSON, which FHIR clients read as well.
        boolean fhir = !target.isEmpty() && !target.startsWith(cdsPath);
        try {
            byte[] body = CdsErrorBody.json(fhirContext.get(), status, message(status, throwable));
            response.setContentType(fhir ? "application/fhir+json;charset=UTF-8" : "application/json;charset=UTF-8");
            response.setHeader("Cache-Control", "no-store");
            // The headers every other answer gets (security.ResponseHeadersConfig), whose filter never ran here.
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("X-Frame-Options", "DENY");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client went away, or the response cannot take a body any more: nothing left to tell it.
        }
    }

    private static String message(int status, Throwable throwable) {
        // What Tomcat could not read, where it says so: a body that stopped coming, a request line or header over
        // its size limit. Only these fixed texts are sent, never the exception's own.
        for (Throwable cause : status == 400 ? ExceptionUtils.getThrowableList(throwable) : List.<Throwable>of()) {
            if (cause instanceof SocketTimeoutException) {
                return "The request was not received in full: the client stopped sending it for longer than the "
                        + "server waits (server.tomcat.connection-timeout).";
            }
            if (cause.getMessage() != null && cause.getMessage().contains("too large")) {
                return "The request line and headers are longer than the server accepts (8 KB together, "
                        + "server.max-http-request-header-size): send long search parameters in the body of a POST to "
                        + "[type]/_search instead.";
            }
        }
        return switch (status) {
            case 400 -> "The request could not be read as HTTP: a malformed request line or header, a character the "
                    + "request target must not hold unencoded (percent-encode it, RFC 3986), or a '%' not followed by "
                    + "two hex digits (encode a literal '%' as %25).";
            case 505 -> "The HTTP version of the request is not supported; use HTTP/1.1.";
            default -> status >= 500
                    ? "The server failed while answering; the server log has the details."
                    : "The request was refused (" + status + ").";
        };
    }
}
