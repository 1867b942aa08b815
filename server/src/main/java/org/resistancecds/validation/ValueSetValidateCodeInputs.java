package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.CanonicalPair;
import org.resistancecds.config.OperationBody;

/**
 * Checks the inputs of {@code ValueSet/$validate-code} that HAPI answered as if the code were wrong, with 200 and
 * {@code result=false}:
 * <ul>
 * <li>a {@code url} naming a value set the server does not know, or a version of it that it does not hold (and no
 * {@code valueSet} sent), is 404, as {@code $expand} answers; HAPI's message spoke of the code's system instead;</li>
 * <li>a {@code code} without {@code system} is 400, since FHIR's definition of the operation requires one (or a
 * {@code context}, which HAPI does not read); HAPI said the code was not in the value set even when it was.</li>
 * </ul>
 */
public class ValueSetValidateCodeInputs {

    private final FhirContext context;
    private final IValidationSupport terminology;

    public ValueSetValidateCodeInputs(FhirContext context, IValidationSupport terminology) {
        this.context = context;
        this.terminology = terminology;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request) {
        if (!"$validate-code".equals(request.getOperation()) || !"ValueSet".equals(request.getResourceName())) {
            return;
        }
        if (input(request, "code").isPresent() && input(request, "system").isEmpty()) {
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
            throw new ResourceNotFoundException("This server knows no ValueSet " + url.get()
                    + ", so it cannot validate codes against it. Its own value sets are listed by GET ValueSet; "
                    + "send the value set itself as the valueSet parameter to validate against one it lacks.");
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
