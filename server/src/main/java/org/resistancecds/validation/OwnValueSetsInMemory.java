package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import jakarta.annotation.Nonnull;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Checks codes against this project's value sets in memory, as the offline validator does, ahead of HAPI's check
 * against the stored expansion. That check reports a code outside the value set as an "Unknown code" of its code
 * system, an error the validator then adds beside its own "None of the codings provided are in the value set", so
 * one wrong code gave two errors on the server, one of them false (the code exists), and one in the CLI. Our value
 * sets are small and the chain caches each answer, so the database is not needed here.
 */
public class OwnValueSetsInMemory extends InMemoryTerminologyServerValidationSupport {

    static final String OUR_VALUE_SETS = "https://resistance-cds.org/fhir/ValueSet/";

    public OwnValueSetsInMemory(FhirContext fhirContext) {
        super(fhirContext);
    }

    @Override
    public String getName() {
        return "resistance-cds value sets in memory";
    }

    @Override
    public boolean isValueSetSupported(ValidationSupportContext context, String valueSetUrl) {
        return ours(valueSetUrl) && super.isValueSetSupported(context, valueSetUrl);
    }

    /**
     * Of code systems, only whether a code of ours exists is answered here ({@code $lookup} is
     * {@link StoredCodeSystemLookup}'s): HAPI's module reported a code our code system lacks as a warning that it
     * could not check it, and the offline validator as the error it is.
     */
    @Override
    public boolean isCodeSystemSupported(ValidationSupportContext context, String system) {
        return StoredCodeSystemLookup.isOurs(system)
                && super.isCodeSystemSupported(context, system);
    }

    @Override
    public CodeValidationResult validateCodeInValueSet(
            ValidationSupportContext context,
            ConceptValidationOptions options,
            String system,
            String code,
            String display,
            @Nonnull IBaseResource valueSet) {
        String url = CommonCodeSystemsTerminologyService.getValueSetUrl(getFhirContext(), valueSet);
        return ours(url) ? super.validateCodeInValueSet(context, options, system, code, display, valueSet) : null;
    }

    @Override
    public CodeValidationResult validateCode(
            @Nonnull ValidationSupportContext context,
            @Nonnull ConceptValidationOptions options,
            String system,
            String code,
            String display,
            String valueSetUrl) {
        boolean ourCodeSystemAlone =
                (valueSetUrl == null || valueSetUrl.isBlank()) && isCodeSystemSupported(context, system);
        return ours(valueSetUrl) || ourCodeSystemAlone
                ? super.validateCode(context, options, system, code, display, valueSetUrl)
                : null;
    }

    @Override
    public LookupCodeResult lookupCode(ValidationSupportContext context, @Nonnull LookupCodeRequest request) {
        return null;
    }

    /**
     * {@code $expand} stays with HAPI's stored expansion: being first in the chain, this class answered it with a
     * bare in-memory expansion that ignored {@code filter}, {@code count} and {@code offset} and carried no url,
     * status or timestamp (not a valid ValueSet).
     */
    @Override
    public ValueSetExpansionOutcome expandValueSet(ValidationSupportContext context,
            ValueSetExpansionOptions options, @Nonnull IBaseResource valueSet) {
        return null;
    }

    private static boolean ours(String valueSetUrl) {
        return valueSetUrl != null && valueSetUrl.startsWith(OUR_VALUE_SETS);
    }
}
