package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.CanonicalPair;
import org.resistancecds.config.OperationBody;

/**
 * Checks the inputs of {@code ValueSet/$validate-code} and {@code ValueSet/$expand} where HAPI's answer misled:
 * <ul>
 * <li>a {@code url} naming a value set the server does not know, or a version of it that it does not hold (and no
 * {@code valueSet} sent), is 404 with the URL as the client wrote it. For {@code $validate-code} HAPI answered 200
 * with {@code result=false} and a message about the code's system; for {@code $expand} a 404 with the URL
 * percent-encoded ({@code http%3A%2F%2F...}) and no hint;</li>
 * <li>a {@code $validate-code} {@code code} without {@code system} is 400, since FHIR's definition of the operation
 * requires one (or a {@code context}, which HAPI does not read); HAPI said the code was not in the value set even
 * when it was.</li>
 * </ul>
 */
public class ValueSetOperationInputs {

    /** The operations checked, with what an unknown value set keeps each from doing. */
    private static final Map<String, String> PURPOSES = Map.of(
            "$validate-code", "validate codes against it",
            "$expand", "expand it");

    private final FhirContext context;
    private final IValidationSupport terminology;

    public ValueSetOperationInputs(FhirContext context, IValidationSupport terminology) {
        this.context = context;
        this.terminology = terminology;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request) {
        String purpose = request.getOperation() == null ? null : PURPOSES.get(request.getOperation());
        if (purpose == null || !"ValueSet".equals(request.getResourceName())) {
            return;
        }
        boolean validateCode = "$validate-code".equals(request.getOperation());
        if (validateCode && input(request, "code").isPresent() && input(request, "system").isEmpty()) {
            // FHIR lets a context stand in for the system; HAPI does not read it, and answered "unknown code".
            throw new InvalidRequestException("$validate-code was given a code without its system. Send system as "
                    + "well (e.g. system=http://loinc.org&code=...), or a coding or codeableConcept; this server does "
                    + "not infer the system from a context.");
        }
        if (request.getId() != null || sentValueSet(request)) {
            return;
        }
        Optional<String> url = input(request, "url");
        if (url.isEmpty()) {
            return;
        }
        CanonicalPair named = CanonicalPair.of(url.get());
        String canonical = named.getUrl();
        IBaseResource held = terminology.fetchValueSet(canonical);
        if (held == null) {
            throw new ResourceNotFoundException("This server knows no ValueSet " + url.get() + ", so it cannot "
                    + purpose + ". Its own value sets are listed by GET ValueSet; send the value set itself as the "
                    + "valueSet parameter to " + (validateCode ? "validate against" : "expand") + " one it lacks.");
        }
        Optional<String> version = Optional.ofNullable(named.hasNonEmptyVersion() ? named.getVersion() : null)
                .or(() -> input(request, "valueSetVersion"));
        if (version.isPresent() && held instanceof ValueSet current && !version.get().equals(current.getVersion())
                && terminology.fetchValueSet(canonical + "|" + version.get()) == null) {
            throw new ResourceNotFoundException("This server holds ValueSet " + canonical + ", but not its version "
                    + version.get() + (current.hasVersion() ? " (it holds " + current.getVersion() + ")" : "") + ".");
        }
    }

    private Optional<String> input(RequestDetails request, String name) {
        return OperationBody.value(request, context, name);
    }

    private boolean sentValueSet(RequestDetails request) {
        return OperationBody.parameters(request, context)
                .map(body -> body.getParameter().stream().anyMatch(p -> "valueSet".equals(p.getName())))
                .orElse(false);
    }
}
