package org.resistancecds.config;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** Which requests carry a FHIR resource, in one format, to be stored or acted on: what the lossy-body filters check. */
final class FhirWriteBodies {

    static final Set<String> FHIR_JSON = Set.of("application/fhir+json", "application/json", "application/json+fhir");
    static final Set<String> FHIR_XML = Set.of("application/fhir+xml", "application/xml+fhir", "application/xml",
            "text/xml");

    private FhirWriteBodies() {
    }

    /**
     * A Binary's own content, posted raw in a media type of its own ({@code application/geo+json}), is stored
     * byte for byte; a Binary resource in FHIR JSON or XML is checked like any other.
     */
    static boolean isRawBinary(HttpServletRequest request, Set<String> fhirMediaTypes) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith(FhirRestfulServerConfig.FHIR_PATH + "/Binary")
                && !fhirMediaTypes.contains(mediaType(request));
    }

    /**
     * A FHIR resource in one of the given media types sent to be stored or acted on. Left out: {@code $validate},
     * whose answer reports faults as the validator's issues, and bodies of other kinds (CDS Hooks, JSON Patch).
     */
    static boolean isFhirWrite(HttpServletRequest request, Set<String> fhirMediaTypes) {
        if (!Set.of("POST", "PUT", "PATCH").contains(request.getMethod())) {
            return false;
        }
        // The path as the server routes it: %24validate, ;parameters and a trailing slash name $validate too.
        String path = request.getRequestURI().substring(request.getContextPath().length())
                .replaceAll(";[^/]*", "").replaceAll("/+$", "");
        try {
            path = URLDecoder.decode(path, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            // Checked as written; the server refuses the path itself.
        }
        String base = FhirRestfulServerConfig.FHIR_PATH;
        boolean fhir = path.equals(base) || path.startsWith(base + "/");
        return fhir && fhirMediaTypes.contains(mediaType(request)) && !path.endsWith("$validate");
    }

    /** The body's media type, lower case, without its parameters ({@code charset}). */
    static String mediaType(HttpServletRequest request) {
        return request.getContentType().toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
    }
}
