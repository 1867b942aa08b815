package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.hl7.fhir.r4.model.Parameters;

/**
 * The Parameters body of an operation call, for interceptors that must check an input HAPI's own provider assumes:
 * the one HAPI parsed when it has (from {@code SERVER_INCOMING_REQUEST_PRE_HANDLED} on), else read from the body.
 * Empty for a GET, no body, or a body that is not Parameters in FHIR JSON or XML (HAPI's own parse then says what
 * is wrong with it).
 */
public final class OperationBody {

    private OperationBody() {}

    public static Optional<Parameters> parameters(RequestDetails request, FhirContext context) {
        if (request.getRequestType() != RequestTypeEnum.POST) {
            return Optional.empty();
        }
        if (request.getResource() instanceof Parameters parsed) {
            return Optional.of(parsed);
        }
        byte[] body = request.loadRequestContents();
        EncodingEnum encoding = EncodingEnum.forContentType(request.getHeader("Content-Type"));
        if (body == null || body.length == 0 || encoding == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(encoding.newParser(context)
                    .parseResource(Parameters.class, new String(body, StandardCharsets.UTF_8)));
        } catch (DataFormatException | ClassCastException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * A named input of the call: its first value in the query when not blank, else the first parameter of that name
     * in the Parameters body that has a value.
     */
    public static Optional<String> value(RequestDetails request, FhirContext context, String name) {
        return queryValue(request, name).or(() -> parameters(request, context).flatMap(body -> body.getParameter()
                .stream()
                .filter(p -> name.equals(p.getName()) && p.getValue() != null && !p.getValue().isEmpty())
                .map(p -> p.getValue().primitiveValue())
                .findFirst()));
    }

    /** A query parameter's first value, when it is not blank. */
    public static Optional<String> queryValue(RequestDetails request, String name) {
        String[] values = request.getParameters().get(name);
        return values == null || values.length == 0 || values[0].isBlank() ? Optional.empty() : Optional.of(values[0]);
    }
}
