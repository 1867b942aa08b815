package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.r4.model.Coding;
import org.resistancecds.config.OperationBody;

/**
 * Checks the inputs of {@code CodeSystem/$lookup} where HAPI's answer misled:
 * <ul>
 * <li>a code system this server does not hold (LOINC, SNOMED CT, any unknown URL) is a 404 saying so. The
 * validator's module that turns such systems into warnings (see {@link ValidationConfig}) claims every code of them
 * is found, so the lookup answered 200 with an empty display; that module's answer is still what the validator
 * needs, so the lookup is refused before it gets there;</li>
 * <li>a lookup without a code and its system, or a coding, is a 400 naming what it needs. HAPI answered "No code,
 * coding, or codeableConcept provided to validate" whichever was missing, though the code was there.</li>
 * </ul>
 */
public class CodeSystemLookupInputs {

    private final FhirContext context;
    private final ValidationSupportChain chain;

    public CodeSystemLookupInputs(FhirContext context, ValidationSupportChain chain) {
        this.context = context;
        this.chain = chain;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request) {
        if (!"$lookup".equals(request.getOperation()) || !"CodeSystem".equals(request.getResourceName())
                || request.getId() != null) {
            return;
        }
        Optional<String> system = system(request);
        Optional<String> code = code(request);
        if (system.isEmpty() || code.isEmpty()) {
            throw new InvalidRequestException("$lookup needs a code and the system it belongs to (e.g. system="
                    + "http://loinc.org&code=...), or a coding with both; this one has "
                    + (system.isPresent() ? "no code." : code.isPresent() ? "no system." : "neither."));
        }
        if (held(system.get())) {
            return;
        }
        throw new ResourceNotFoundException("This server holds no code system " + system.get()
                + ", so it cannot look up its codes. Its own code systems are listed by GET CodeSystem.");
    }

    /** Whether a module other than the one for unknown systems (which says yes to every one) has the system. */
    private boolean held(String system) {
        ValidationSupportContext lookup = new ValidationSupportContext(chain);
        return chain.getValidationSupports().stream()
                .filter(module -> !(module instanceof UnknownCodeSystemWarningValidationSupport))
                .anyMatch(module -> module.isCodeSystemSupported(lookup, system));
    }

    /** {@code system}, else the system of {@code coding} (the other form $lookup takes). */
    private Optional<String> system(RequestDetails request) {
        return OperationBody.value(request, context, "system").or(() -> coding(request).map(Coding::getSystem));
    }

    private Optional<String> code(RequestDetails request) {
        return OperationBody.value(request, context, "code").or(() -> coding(request).map(Coding::getCode));
    }

    private Optional<Coding> coding(RequestDetails request) {
        return OperationBody.parameters(request, context).flatMap(body -> body.getParameter().stream()
                .filter(p -> "coding".equals(p.getName()) && p.getValue() instanceof Coding)
                .map(p -> (Coding) p.getValue())
                .findFirst());
    }
}
