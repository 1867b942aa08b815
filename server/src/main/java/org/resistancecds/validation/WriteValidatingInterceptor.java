package org.resistancecds.validation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;

/**
 * Rejects a create or update with 422 and the validator's OperationOutcome when the resource has errors
 * against the base specification or one of our profiles it claims. Profiles we do not hold (mCODE, Genomics
 * Reporting, US Core) cannot be checked here, so a claim of one is not an error. It runs inside the storage
 * transaction, so one bad entry rolls back a whole transaction Bundle.
 */
@Interceptor
public class WriteValidatingInterceptor {

    private final FhirValidator validator;
    private final ValidationProperties properties;

    public WriteValidatingInterceptor(FhirValidator validator, ValidationProperties properties) {
        this.validator = validator;
        this.properties = properties;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        validate(resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource) {
        validate(resource);
    }

    void validate(IBaseResource resource) {
        if (!shouldValidate(resource)) {
            return;
        }
        ValidationResult result = validator.validateWithResult(resource);
        List<SingleValidationMessage> errors = result.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .toList();
        if (!errors.isEmpty()) {
            // The outcome keeps warnings too: they often explain the error.
            throw new UnprocessableEntityException(
                    resource.fhirType() + " failed validation: " + errors.get(0).getLocationString() + ": "
                            + errors.get(0).getMessage(),
                    result.toOperationOutcome());
        }
    }

    private boolean shouldValidate(IBaseResource resource) {
        return switch (properties.mode()) {
            case OFF -> false;
            case ALL -> true;
            case CLAIMED -> claimsOwnProfile(resource);
        };
    }

    private boolean claimsOwnProfile(IBaseResource resource) {
        return resource.getMeta().getProfile().stream()
                .map(IPrimitiveType::getValueAsString)
                .anyMatch(p -> p != null && p.startsWith(properties.profileBase()));
    }
}
