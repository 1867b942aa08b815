package org.resistancecds.validation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.PrePatchDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.util.ResourceUtil;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Rejects a create or update with 422 and the validator's OperationOutcome when the resource has errors
 * against the base specification or one of our profiles it claims. Profiles we do not hold (mCODE, Genomics
 * Reporting, US Core) cannot be checked here, so a claim of one is not an error. It runs inside the storage
 * transaction, so one bad entry rolls back a whole transaction Bundle; the outcome then names that entry.
 */
@Interceptor
public class WriteValidatingInterceptor {

    private final FhirValidator validator;
    private final ValidationProperties properties;

    public WriteValidatingInterceptor(FhirValidator validator, ValidationProperties properties) {
        this.validator = validator;
        this.properties = properties;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void incoming(RequestDetails request) {
        BundleEntryPath.remember(request);
    }

    /**
     * A FHIRPath Patch changes the stored resource in place, and HAPI keeps with a parsed resource the JSON it was
     * parsed from, which its validator reads instead of the resource when present: without this it validated the
     * version before the patch. JSON and XML Patch parse a new resource from the patched text, which is right.
     */
    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_PREPATCH)
    public void beforePatch(PrePatchDetails patch) {
        if (patch.getResource() != null) {
            ResourceUtil.clearRawStringFromResource(patch.getResource());
        }
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean outgoing(RequestDetails request, ResponseDetails response) {
        if (response.getResponseResource() instanceof Bundle bundle) {
            BundleEntryPath.restoreBatchOutcomes(request, bundle);
        }
        return true;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        validate(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        validate(resource, request);
    }

    void validate(IBaseResource resource, RequestDetails request) {
        if (!shouldValidate(resource)) {
            return;
        }
        ValidationResult result = validator.validateWithResult(resource);
        List<SingleValidationMessage> errors = result.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .toList();
        if (!errors.isEmpty()) {
            // The outcome keeps warnings too: they often explain the error.
            OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
            Optional<BundleEntryPath> entry = BundleEntryPath.of(request, resource);
            entry.ifPresent(e -> {
                e.reroot(outcome, resource.fhirType());
                e.keepForBatchResponse(request, outcome);
            });
            String subject = entry.map(e -> e.path() + " (" + resource.fhirType() + ")").orElse(resource.fhirType());
            throw new UnprocessableEntityException(
                    subject + " failed validation: " + errors.get(0).getLocationString() + ": "
                            + errors.get(0).getMessage(),
                    outcome);
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
