package org.resistancecds.search;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Objects;

/**
 * A search whose {@code :in} or {@code :not-in} names a ValueSet this server holds but cannot expand (the
 * specification's {@code observation-codes} is all of LOINC, which is not loaded here) is 400 with the expansion's
 * own reason; HAPI answered it with a 500, failing on the missing expansion. Unknown ValueSets are
 * {@link UnknownValueSetInSearch}'s. The expansion is asked of the same chain, with the same size, as HAPI's search
 * then asks it, so the search itself finds it ready. Registered with the storage layer's interceptors.
 */
@Interceptor
public final class UnexpandableValueSetInSearch {

    private final IValidationSupport validationSupport;
    private final int maximumExpansionSize;

    public UnexpandableValueSetInSearch(IValidationSupport validationSupport, int maximumExpansionSize) {
        this.validationSupport = validationSupport;
        this.maximumExpansionSize = maximumExpansionSize;
    }

    @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
    public void check(SearchParameterMap map) {
        SearchValues.all(map)
                .filter(value -> value instanceof TokenParam token && (token.getModifier() == TokenParamModifier.IN
                        || token.getModifier() == TokenParamModifier.NOT_IN))
                .map(value -> ((TokenParam) value).getValue())
                .filter(Objects::nonNull)
                .distinct()
                .forEach(this::checkExpands);
    }

    private void checkExpands(String valueSetUrl) {
        ValueSetExpansionOptions options = new ValueSetExpansionOptions().setCount(maximumExpansionSize);
        IValidationSupport.ValueSetExpansionOutcome outcome = validationSupport.expandValueSet(
                new ValidationSupportContext(validationSupport), options, valueSetUrl);
        if (outcome != null && outcome.getValueSet() == null) {
            String reason = outcome.getError() == null ? "" : " (" + outcome.getError() + ")";
            throw new InvalidRequestException("The search names the ValueSet " + valueSetUrl + " (with :in or "
                    + ":not-in), which this server cannot expand" + reason + ": its codes come from a code system "
                    + "it does not hold. Search by code instead (code=system|code).");
        }
    }
}
