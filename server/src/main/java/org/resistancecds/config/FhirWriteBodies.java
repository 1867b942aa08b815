package org.resistancecds.config;

import ca.uhn.fhir.rest.api.EncodingEnum;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;

/**
 * Which requests carry a FHIR resource, in one format, to be stored or acted on: what the lossy-body filters check.
 * The media types are HAPI's own ({@link EncodingEnum}), so the filters read as FHIR what HAPI parses as FHIR.
 */
final class FhirWriteBodies {

    private FhirWriteBodies() {
    }

    /**
     * A Binary's own content, posted raw in a media type that is not FHIR's own ({@code application/json},
     * {@code text/xml}, {@code application/geo+json}): HAPI stores it byte for byte. A Binary resource in FHIR JSON
     * or XML ({@code application/fhir+json}) is checked like any other.
     */
    static boolean isRawBinary(HttpServletRequest request) {
        return isRawBinary(routedPath(request), request.getContentType());
    }

    private static boolean isRawBinary(String routedPath, String contentType) {
        return routedPath.startsWith(FhirRestfulServerConfig.FHIR_PATH + "/Binary")
                && EncodingEnum.forContentTypeStrict(contentType) == null;
    }

    /**
     * A FHIR resource in the given format sent to be stored or acted on. Left out: {@code $validate}, whose answer
     * reports faults as the validator's issues, a raw Binary, and bodies of other kinds (CDS Hooks, JSON Patch).
     */
    static boolean isFhirWrite(HttpServletRequest request, EncodingEnum format) {
        if (!Set.of("POST", "PUT", "PATCH").contains(request.getMethod()) || request.getContentType() == null) {
            return false;
        }
        String path = routedPath(request);
        return isFhirPath(path) && !path.endsWith("$validate") && !isRawBinary(path, request.getContentType())
                && EncodingEnum.forContentType(request.getContentType()) == format;
    }

    /** Whether the request is to the FHIR endpoint ({@code /fhir} or below), whatever its method and body. */
    static boolean isToFhir(HttpServletRequest request) {
        return isFhirPath(routedPath(request));
    }

    private static boolean isFhirPath(String routedPath) {
        String base = FhirRestfulServerConfig.FHIR_PATH;
        return routedPath.equals(base) || routedPath.startsWith(base + "/");
    }

    /** The path as the server routes it: %24validate, ;parameters and a trailing slash name $validate too. */
    static String routedPath(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length())
                .replaceAll(";[^/]*", "").replaceAll("/+$", "");
        return PercentEncoding.decodedOrAsWritten(path); // a bad escape: the server refuses the path itself
    }
}
