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
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers the request faults HAPI's RestfulServer turns into a 500 (or a bare 400) before a FHIR handler sees them:
 * an HTTP method FHIR has no interaction for (405), an {@code If-Match} that is neither a version ETag nor {@code *}
 * or that comes with a conditional delete (400; HAPI deleted regardless), a query string that is not valid percent-encoding (400), and a
 * request for Turtle, which FHIR defines but this server cannot write or read (406 / 415; the RDF library is left
 * out of the jar; Turtle among other accepted formats is dropped, and the next one answers). An {@code If-Modified-Since} that is no HTTP date is ignored, as RFC 9110 says.
 */
public class MalformedRequestFilter extends OncePerRequestFilter {

    private static final String IF_MODIFIED_SINCE = "If-Modified-Since";
    private static final String ACCEPT = "Accept";
    private static final String TURTLE_NOT_WRITTEN = "This server answers in JSON or XML only; Turtle (RDF) is not "
            + "supported. Ask for application/fhir+json or application/fhir+xml.";
    /** The HTTP methods FHIR interactions use; others get 405 with these in {@code Allow}. */
    public static final List<String> FHIR_METHODS =
            List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    public static final String ALLOWED = String.join(", ", FHIR_METHODS);

    private final FhirContext fhirContext;

    public MalformedRequestFilter(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!FHIR_METHODS.contains(request.getMethod())) {
            response.setHeader("Allow", ALLOWED);
            refuse(request, response, 405,
                    "The FHIR API has no " + request.getMethod() + " interaction; use " + ALLOWED + ".");
            return;
        }
        String ifMatch = request.getHeader("If-Match");
        boolean anyVersion = ifMatch != null && ConditionalHeaders.ANY.equals(ifMatch.trim());
        if (ifMatch != null && !anyVersion && ConditionalHeaders.parseVersion(ifMatch).isEmpty()) {
            refuse(request, response, 400, ConditionalHeaders.malformed(ifMatch));
            return;
        }
        if (ifMatch != null && "DELETE".equals(request.getMethod()) && namesOnlyAType(request)) {
            refuse(request, response, 400, "If-Match" + ConditionalHeaders.NOT_WITH_CONDITIONAL_DELETE);
            return;
        }
        String query = request.getQueryString();
        if (query != null && !decodes(query)) {
            refuse(request, response, 400, "The query string is not valid percent-encoding (a '%' must be followed "
                    + "by two hex digits; encode a literal '%' as %25).");
            return;
        }
        if (asksForTurtle(request)) {
            refuse(request, response, 406, TURTLE_NOT_WRITTEN);
            return;
        }
        if (mentionsTurtle(request.getContentType())) {
            refuse(request, response, 415, "This server reads JSON or XML only; Turtle (RDF) is not supported. Send "
                    + "application/fhir+json or application/fhir+xml.");
            return;
        }
        HttpServletRequest forwarded = request;
        String accept = request.getHeader(ACCEPT);
        if (mentionsTurtle(accept)) {
            // HAPI would pick Turtle when it ranks first and fail on it; the client's other formats remain.
            String others = Arrays.stream(accept.split(","))
                    .filter(type -> !mentionsTurtle(type))
                    .collect(Collectors.joining(","));
            if (others.isBlank()) {
                refuse(request, response, 406, TURTLE_NOT_WRITTEN);
                return;
            }
            forwarded = new WithHeader(forwarded, ACCEPT, others);
        }
        if (!hasValidDate(request)) {
            forwarded = new WithHeader(forwarded, IF_MODIFIED_SINCE, null);
        }
        if (anyVersion) {
            // HAPI would take "*" as the version expected and refuse every write; IfMatchVersionCheck reads the mark.
            request.setAttribute(ConditionalHeaders.IF_MATCH_ANY, Boolean.TRUE);
            forwarded = new WithHeader(forwarded, "If-Match", null);
        }
        chain.doFilter(forwarded, response);
    }

    /** {@code /fhir/Patient?...}: a conditional interaction, with no resource id in the path. */
    private static boolean namesOnlyAType(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String[] segments = path.replaceFirst("^/fhir/?", "").split("/");
        return segments.length == 1 && !segments[0].isEmpty();
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
        return false;
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

    private void refuse(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        CdsErrorBody.write(request, response, fhirContext, status, message);
    }

    /** The request with one header replaced, or removed when the value is {@code null}. */
    private static final class WithHeader extends HttpServletRequestWrapper {

        private final String name;
        private final String value;

        WithHeader(HttpServletRequest request, String name, String value) {
            super(request);
            this.name = name;
            this.value = value;
        }

        @Override
        public String getHeader(String header) {
            return name.equalsIgnoreCase(header) ? value : super.getHeader(header);
        }

        @Override
        public Enumeration<String> getHeaders(String header) {
            if (!name.equalsIgnoreCase(header)) {
                return super.getHeaders(header);
            }
            return value == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(value));
        }

        @Override
        public long getDateHeader(String header) {
            return name.equalsIgnoreCase(header) && value == null ? -1 : super.getDateHeader(header);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            if (value == null) {
                names.removeIf(name::equalsIgnoreCase);
            }
            return Collections.enumeration(names);
        }
    }
}
