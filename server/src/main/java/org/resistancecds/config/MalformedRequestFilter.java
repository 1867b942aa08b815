package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers the request faults HAPI's RestfulServer turns into a 500 (or a bare 400) before a FHIR handler sees them:
 * an HTTP method FHIR has no interaction for (405), an {@code If-Match} that is no version ETag (400), a query
 * string that is not valid percent-encoding (400), and a request for Turtle, which FHIR defines but this server
 * cannot write or read (406 / 415; the RDF library is left out of the jar). An {@code If-Modified-Since} that is no HTTP date is ignored, as RFC 9110 says.
 */
public class MalformedRequestFilter extends OncePerRequestFilter {

    private static final String IF_MODIFIED_SINCE = "If-Modified-Since";
    private static final List<String> FHIR_METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final String ALLOWED = String.join(", ", FHIR_METHODS);

    private final FhirContext fhirContext;

    public MalformedRequestFilter(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!FHIR_METHODS.contains(request.getMethod())) {
            response.setHeader("Allow", ALLOWED);
            refuse(response, 405, "The FHIR API has no " + request.getMethod() + " interaction; use " + ALLOWED + ".");
            return;
        }
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch != null && ConditionalHeaders.parseVersion(ifMatch).isEmpty()) {
            refuse(response, 400, ConditionalHeaders.malformed(ifMatch));
            return;
        }
        String query = request.getQueryString();
        if (query != null && !decodes(query)) {
            refuse(response, 400, "The query string is not valid percent-encoding (a '%' must be followed by two hex "
                    + "digits; encode a literal '%' as %25).");
            return;
        }
        if (asksForTurtle(request)) {
            refuse(response, 406, "This server answers in JSON or XML only; Turtle (RDF) is not supported. Ask for "
                    + "application/fhir+json or application/fhir+xml.");
            return;
        }
        if (mentionsTurtle(request.getContentType())) {
            refuse(response, 415, "This server reads JSON or XML only; Turtle (RDF) is not supported. Send "
                    + "application/fhir+json or application/fhir+xml.");
            return;
        }
        chain.doFilter(hasValidDate(request) ? request : new WithoutIfModifiedSince(request), response);
    }

    private static boolean decodes(String query) {
        try {
            URLDecoder.decode(query, StandardCharsets.UTF_8);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean asksForTurtle(HttpServletRequest request) {
        String[] formats = request.getParameterValues("_format");
        if (formats != null) {
            for (String format : formats) {
                String value = format.toLowerCase(Locale.ROOT);
                if (mentionsTurtle(value) || value.equals("ttl") || value.equals("rdf")) {
                    return true;
                }
            }
        }
        String accept = request.getHeader("Accept");
        if (accept == null || !mentionsTurtle(accept)) {
            return false;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        // A browser's or client's list that also accepts JSON, XML or anything gets JSON, as without the header.
        return !(lower.contains("json") || lower.contains("xml") || lower.contains("*/*"));
    }

    private static boolean mentionsTurtle(String value) {
        return value != null && value.toLowerCase(Locale.ROOT).contains("turtle");
    }

    private static boolean hasValidDate(HttpServletRequest request) {
        if (request.getHeader(IF_MODIFIED_SINCE) == null) {
            return true;
        }
        try {
            request.getDateHeader(IF_MODIFIED_SINCE);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void refuse(HttpServletResponse response, int status, String message) throws IOException {
        CdsErrorBody.write(response, fhirContext, status, message);
    }

    /** The request as if the unreadable {@code If-Modified-Since} had not been sent. */
    private static final class WithoutIfModifiedSince extends HttpServletRequestWrapper {

        WithoutIfModifiedSince(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return IF_MODIFIED_SINCE.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return IF_MODIFIED_SINCE.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public long getDateHeader(String name) {
            return IF_MODIFIED_SINCE.equalsIgnoreCase(name) ? -1 : super.getDateHeader(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(IF_MODIFIED_SINCE::equalsIgnoreCase);
            return Collections.enumeration(names);
        }
    }
}
