package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * A request whose {@code Accept} admits none of the formats the server writes is answered 406 Not Acceptable before
 * anything runs, as FHIR's HTTP page advises; HAPI answered it in JSON (an {@code image/png} client got JSON it had
 * not asked for, and a POST was stored first). {@code _format} overrides {@code Accept}: one that names neither
 * JSON nor XML, or another FHIR version, is a 406 too (Turtle is refused apart). A type whose {@code fhirVersion} parameter names another FHIR
 * version than R4 ({@code fhirVersion=3.0}) does not count either: FHIR's versioning page has a server answer 406
 * rather than another version, and HAPI answered R4. {@code Binary} is served in its own content type. An
 * {@code Accept} that does not parse is left to HAPI.
 */
public class AcceptableFormat {

    /** What HAPI writes a resource as, by the names it answers to; wildcards in Accept match these. */
    private static final List<MediaType> WRITTEN = List.of(
            MediaType.parseMediaType(Constants.CT_FHIR_JSON_NEW), MediaType.parseMediaType(Constants.CT_FHIR_XML_NEW),
            MediaType.parseMediaType(Constants.CT_FHIR_JSON), MediaType.parseMediaType(Constants.CT_FHIR_XML),
            MediaType.APPLICATION_JSON, MediaType.APPLICATION_XML, MediaType.TEXT_XML,
            MediaType.parseMediaType("text/json"));

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void refuseUnwritableFormat(RequestDetails request) {
        if ("Binary".equals(request.getResourceName())) {
            return;
        }
        String[] format = request.getParameters().get(Constants.PARAM_FORMAT);
        if (format != null) {
            refuseUnwritableFormatParameter(format);
            return;
        }
        List<String> accept = request.getHeaders(Constants.HEADER_ACCEPT);
        if (accept == null || accept.isEmpty()) {
            return;
        }
        List<MediaType> asked;
        try {
            asked = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return;
        }
        boolean writable = asked.stream().anyMatch(type -> acceptableFhirType(type) && FhirVersion.isR4(type));
        if (!writable && asked.stream().anyMatch(type -> type.getQualityValue() > 0 && !FhirVersion.isR4(type))) {
            throw new UnclassifiedServerFailureException(406, "This server answers in FHIR R4 (fhirVersion=4.0) "
                    + "only; the Accept header asks for another version (" + String.join(", ", accept) + ").");
        }
        if (!writable) {
            throw new UnclassifiedServerFailureException(406, "This server answers in FHIR JSON or XML; the Accept "
                    + "header admits neither (" + String.join(", ", accept) + "). Ask for application/fhir+json or "
                    + "application/fhir+xml.");
        }
        answerInTheBestR4Format(request, asked);
    }

    /**
     * HAPI answers in the format of the type ranked first, whatever its {@code fhirVersion}: asked for XML as FHIR 3.0
     * and JSON as R4 after it, it answered R4 in XML. The format of the best R4 type is then chosen, as {@code _format}
     * chooses it.
     */
    private static void answerInTheBestR4Format(RequestDetails request, List<MediaType> asked) {
        Comparator<MediaType> byQuality = Comparator.comparingDouble(MediaType::getQualityValue);
        Optional<MediaType> first = asked.stream().filter(AcceptableFormat::acceptableFhirType).max(byQuality);
        if (first.isEmpty() || FhirVersion.isR4(first.get())) {
            return;
        }
        MediaType best = asked.stream().filter(AcceptableFormat::acceptableFhirType).filter(FhirVersion::isR4)
                .max(byQuality).orElseThrow();
        EncodingEnum encoding = EncodingEnum.forContentType(best.getType() + "/" + best.getSubtype());
        Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameters());
        parameters.put(Constants.PARAM_FORMAT, new String[] {(encoding == null ? EncodingEnum.JSON : encoding)
                .getFormatContentType()});
        request.setParameters(parameters);
    }

    private static boolean acceptableFhirType(MediaType type) {
        return type.getQualityValue() > 0 && WRITTEN.stream().anyMatch(type::isCompatibleWith);
    }

    /** The media type a {@code _format} names; a short name ({@code json}) or one that does not parse has none. */
    private static MediaType formatType(String name) {
        try {
            return MediaType.parseMediaType(name);
        } catch (InvalidMediaTypeException e) {
            return MediaType.ALL;
        }
    }

    /** HAPI answered JSON to a _format it does not write ({@code html}, {@code pdf}, {@code foo}). */
    private static void refuseUnwritableFormatParameter(String[] values) {
        for (String value : values) {
            if (value.isBlank()) {
                continue;
            }
            // An unencoded '+' (_format=application/fhir+json) arrives as a space; HAPI reads JSON as json.
            String name = value.trim().replace(' ', '+').toLowerCase(Locale.ROOT);
            if (!FhirVersion.isR4(formatType(name))) {
                throw new UnclassifiedServerFailureException(406, "This server answers in FHIR R4 (fhirVersion=4.0) "
                        + "only; _format=" + value + " asks for another version.");
            }
            EncodingEnum encoding = EncodingEnum.forContentType(name);
            if (encoding != EncodingEnum.JSON && encoding != EncodingEnum.XML && encoding != EncodingEnum.RDF) {
                throw new UnclassifiedServerFailureException(406, "This server answers in FHIR JSON or XML; _format="
                        + value + " is neither. Use _format=json or _format=xml.");
            }
        }
    }
}
