package org.resistancecds.operations;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Parameters;

/**
 * Refuses a repeated parameter that our OperationDefinitions allow once (max 1). HAPI would pass on its first
 * value and drop the others without a word: two {@code asOf} dates would answer for the first one only. A
 * parameter in the URL of a request with a Parameters body is refused too: HAPI reads the body only. So is a
 * parameter the operation does not take at this level ({@code bundle} sent to {@code Patient/[id]/$evaluate-resistance},
 * which then evaluated the stored record as if the client's Bundle had been read); names starting with {@code _}
 * ({@code _format}, {@code _pretty}) are the server's.
 */
final class OperationParameterCheck {

    private OperationParameterCheck() {}

    /**
     * For an operation on a patient's record, whose body can only be Parameters: another resource as the body (a
     * Bundle, as the system level takes it) was ignored and the stored record answered.
     */
    static void requireOnRecord(RequestDetails request, String... names) {
        if (request.getResource() != null && !(request.getResource() instanceof Parameters)) {
            throw new InvalidRequestException(request.getRequestPath() + " reads the stored record and takes a "
                    + "Parameters body only (" + String.join(", ", names) + "); the body is a "
                    + request.getResource().fhirType() + ", which it would not read.");
        }
        require(request, names);
    }

    static void require(RequestDetails request, String... names) {
        List<String> taken = List.of(names);
        Stream.concat(request.getParameters().keySet().stream(), request.getResource() instanceof Parameters body
                        ? body.getParameter().stream().map(Parameters.ParametersParameterComponent::getName)
                        : Stream.empty())
                .filter(name -> name != null && !name.startsWith("_") && !taken.contains(name))
                .findFirst()
                .ifPresent(unknown -> {
                    throw new InvalidRequestException("Parameter '" + unknown + "' is not taken by "
                            + request.getRequestPath() + ", which takes " + String.join(", ", taken)
                            + " (see its OperationDefinition); it is refused rather than ignored.");
                });
        for (String name : names) {
            String[] inUrl = request.getParameters().get(name);
            if (request.getResource() instanceof Parameters && inUrl != null && inUrl.length > 0) {
                // HAPI reads a POST's parameters from its body alone: the URL's value would be dropped unseen.
                throw new InvalidRequestException("Parameter '" + name + "' is in the URL of a request with a "
                        + "Parameters body, which alone is read: put it in the body (or send no body).");
            }
            int given = count(request, name);
            if (given > 1) {
                throw new InvalidRequestException("Parameter '" + name + "' may be given at most once; it was given "
                        + given + " times.");
            }
        }
    }

    /** In the query of a GET, in the Parameters body of a POST (HAPI reads a POST's parameters from its body). */
    private static int count(RequestDetails request, String name) {
        if (request.getResource() instanceof Parameters parameters) {
            return (int) parameters.getParameter().stream().filter(p -> name.equals(p.getName())).count();
        }
        String[] values = request.getParameters().get(name);
        return values == null ? 0 : values.length;
    }
}
