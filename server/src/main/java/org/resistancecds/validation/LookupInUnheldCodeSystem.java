package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.r4.model.Coding;
import org.resistancecds.config.OperationBody;

/**
 * Answers {@code CodeSystem/$lookup} in a code system this server does not hold (LOINC, SNOMED CT, any unknown URL)
 * with a 404 saying so. The validator's module that turns such systems into warnings (see {@link ValidationConfig})
 * claims every code of them is found, so the lookup answered 200 with an empty display; that module's answer is
 * still what the validator needs, so the lookup is refused before it gets there.
 */
public class LookupInUnheldCodeSystem {

    private final FhirContext context;
    private final ValidationSupportChain chain;

    public LookupInUnheldCodeSystem(FhirContext context, ValidationSupportChain chain) {
        this.context = context;
        this.chain = chain;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void refuseUnheldSystem(RequestDetails request) {
        if (!"$lookup".equals(request.getOperation()) || !"CodeSystem".equals(request.getResourceName())
                || request.getId() != null) {
            return;
        }
        Optional<String> system = system(request);
        if (system.isEmpty() || held(system.get())) {
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
        return OperationBody.value(request, context, "system").or(() -> OperationBody.parameters(request, context)
                .flatMap(body -> body.getParameter().stream()
                        .filter(p -> "coding".equals(p.getName()) && p.getValue() instanceof Coding coding
                                && coding.hasSystem())
                        .map(p -> ((Coding) p.getValue()).getSystem())
                        .findFirst()));
    }
}
