package org.resistancecds.validation;

import ca.uhn.fhir.validation.IInstanceValidatorModule;
import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The instance validator, with the errors that {@link ValidatorSandbox} causes turned into warnings that say so. A
 * check that needed a file or the network was not made: that is no fault of the resource, but it is no pass
 * either. The one such check seen: the HL7 validator 6.7.9 compares an extension definition's element context
 * with the R4 core package it loads from a package cache (it takes "4.0" for a version other than "4.0.1"), and
 * when that fails it stops checking the definition.
 */
public final class SandboxedChecksNoted implements IInstanceValidatorModule {

    /** The policy refusals of the HL7 library's file and web access. */
    private static final String REFUSED = "is not allowed by local security policy";

    private final IInstanceValidatorModule validator;

    private SandboxedChecksNoted(IInstanceValidatorModule validator) {
        this.validator = validator;
    }

    /**
     * The HL7 validator as this server and its offline validator use it: a claimed profile from a guide not held
     * (mCODE, US Core) is a warning, and the library is kept off files and the network, which is said where it
     * leaves a check unmade.
     */
    public static IInstanceValidatorModule withServerPolicy(FhirInstanceValidator hl7Validator) {
        hl7Validator.setErrorForUnknownProfiles(false);
        ValidatorSandbox.close();
        return new SandboxedChecksNoted(hl7Validator);
    }

    @Override
    public void validateResource(IValidationContext<IBaseResource> context) {
        validator.validateResource(context);
        for (SingleValidationMessage message : context.getMessages()) {
            if (message.getMessage() != null && message.getMessage().contains(REFUSED)
                    && message.getSeverity().ordinal() >= ResultSeverityEnum.WARNING.ordinal()) {
                message.setSeverity(ResultSeverityEnum.WARNING);
                message.setMessage("Not checked: the HL7 validator wanted a file or the network for this check, "
                        + "which this server does not give it (" + message.getMessage() + ")");
            }
        }
    }
}
