package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.List;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * A request whose {@code Accept} admits none of the formats the server writes is answered 406 Not Acceptable before
 * anything runs, as FHIR's HTTP page advises; HAPI answered it in JSON (an {@code image/png} client got JSON it had
 * not asked for, and a POST was stored first). {@code _format} overrides {@code Accept} and is left to HAPI, as is
 * {@code Binary}, which is served in its own content type. An {@code Accept} that does not parse is left to HAPI too.
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
        List<String> accept = request.getHeaders(Constants.HEADER_ACCEPT);
        if (accept == null || accept.isEmpty() || request.getParameters().containsKey(Constants.PARAM_FORMAT)
                || "Binary".equals(request.getResourceName())) {
            return;
        }
        List<MediaType> asked;
        try {
            asked = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return;
        }
        boolean writable = asked.stream()
                .filter(type -> type.getQualityValue() > 0)
                .anyMatch(type -> WRITTEN.stream().anyMatch(type::isCompatibleWith));
        if (!writable) {
            throw new UnclassifiedServerFailureException(406, "This server answers in FHIR JSON or XML; the Accept "
                    + "header admits neither (" + String.join(", ", accept) + "). Ask for application/fhir+json or "
                    + "application/fhir+xml.");
        }
    }
}
