package org.resistancecds.validation;

import ca.uhn.fhir.validation.IInstanceValidatorModule;
import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /**
     * The HL7 validator's warning for a claimed profile it cannot find, by its message id (the text is translated
     * into the JVM's language), and the profile's URL, the first quoted part of the text in every language.
     */
    private static final String PROFILE_UNKNOWN = "validation_val_profile_unknown";
    private static final Pattern QUOTED = Pattern.compile("'([^']+)'");

    private final FhirInstanceValidator validator;
    private final String ownProfileBase;
    private final ValidationBudget budget;

    private SandboxedChecksNoted(FhirInstanceValidator validator, String ownProfileBase, ValidationBudget budget) {
        this.validator = validator;
        this.ownProfileBase = ownProfileBase;
        this.budget = budget;
    }

    /**
     * The HL7 validator as this server and its offline validator use it:
     * <ul>
     *   <li>a claimed profile from a guide not held (mCODE, US Core) is a warning, but one under our own canonical
     *       base that we do not hold (a misspelt name, another version) is an error: the resource claims to meet a
     *       profile of ours that it was never checked against;</li>
     *   <li>a reference's type is taken from the reference itself ({@code Group/1}) and checked against the types the
     *       profile allows: the validator does not resolve references, and without this it checked none;</li>
     *   <li>the library is kept off files and the network, which is said where it leaves a check unmade;</li>
     *   <li>its memory is bounded by a {@link ValidationBudget}.</li>
     * </ul>
     */
    public static IInstanceValidatorModule withServerPolicy(
            FhirInstanceValidator hl7Validator, String ownProfileBase, long maxElements) {
        hl7Validator.setErrorForUnknownProfiles(false);
        hl7Validator.setAssumeValidRestReferences(true);
        ValidatorSandbox.close();
        ValidationBudget budget = ValidationBudget.of(maxElements, Runtime.getRuntime().maxMemory());
        return new SandboxedChecksNoted(hl7Validator, ownProfileBase, budget);
    }

    /** Forgets what the validator fetched through HAPI's validation chain (see ConformanceChanges). */
    public void invalidateCaches() {
        validator.invalidateCaches();
    }

    @Override
    public void validateResource(IValidationContext<IBaseResource> context) {
        // The validator reads the resource from this text, which the context keeps: counting it costs no encoding.
        long elements = ElementCount.of(context.getResourceAsString(), context.getResourceAsStringEncoding());
        Optional<String> refusal = budget.refusal(elements);
        if (refusal.isPresent()) {
            SingleValidationMessage tooLarge = new SingleValidationMessage();
            tooLarge.setSeverity(ResultSeverityEnum.ERROR);
            tooLarge.setMessage(refusal.get());
            context.addValidationMessage(tooLarge);
            return;
        }
        try (ValidationBudget.Permit permit = budget.acquire(elements)) {
            validator.validateResource(context);
        }
        for (SingleValidationMessage message : context.getMessages()) {
            if (message.getMessage() == null) {
                continue;
            }
            Matcher unknownProfile = QUOTED.matcher(message.getMessage());
            // Validation_VAL_Profile_Unknown offline, VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY on the server.
            if (message.getMessageId() != null
                    && message.getMessageId().toLowerCase(Locale.ROOT).startsWith(PROFILE_UNKNOWN)
                    && unknownProfile.find() && unknownProfile.group(1).startsWith(ownProfileBase)) {
                message.setSeverity(ResultSeverityEnum.ERROR);
                message.setMessage("Profile '" + unknownProfile.group(1) + "' is not a profile of this project (its "
                        + "canonical base is ours, but no profile has that URL and version): check its spelling and "
                        + "version. The resource was not checked against it.");
            } else if (message.getMessage().contains(REFUSED)
                    && message.getSeverity().ordinal() >= ResultSeverityEnum.WARNING.ordinal()) {
                message.setSeverity(ResultSeverityEnum.WARNING);
                message.setMessage("Not checked: the HL7 validator wanted a file or the network for this check, "
                        + "which this server does not give it (" + message.getMessage() + ")");
            }
        }
    }
}
