package org.resistancecds.search;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;

/**
 * A token search with {@code :below} or {@code :above} in a code system this server does not hold (LOINC, SNOMED CT,
 * HGNC: their concepts are not loaded) is 400: the server cannot tell which codes lie below or above, and HAPI
 * answered such a search with nothing at all, not even the resources carrying the code itself
 * ({@code code:below=http://loinc.org|69548-6} found 0 Observations where {@code code=} found 2). Code systems it
 * holds, ours and the specification's, are searched as before. Registered with the storage layer's interceptors.
 */
@Interceptor
public final class SubsumptionInUnheldCodeSystem {

    private final IValidationSupport validationSupport;

    public SubsumptionInUnheldCodeSystem(IValidationSupport validationSupport) {
        this.validationSupport = validationSupport;
    }

    @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
    public void check(SearchParameterMap map) {
        SearchValues.all(map)
                .filter(value -> value instanceof TokenParam token && token.getSystem() != null
                        && (token.getModifier() == TokenParamModifier.BELOW
                                || token.getModifier() == TokenParamModifier.ABOVE))
                .map(TokenParam.class::cast)
                .filter(token -> !holds(token.getSystem()))
                .findFirst()
                .ifPresent(token -> {
                    throw new InvalidRequestException("The search asks for codes " + token.getModifier().getValue()
                            .substring(1) + " " + token.getValue() + " in " + token.getSystem() + ", a code system "
                            + "this server does not hold, so it cannot tell which codes those are. Search by the "
                            + "code itself (" + token.getSystem() + "|" + token.getValue() + "), or with :in and a "
                            + "ValueSet that lists the codes.");
                });
    }

    private boolean holds(String system) {
        IBaseResource codeSystem = validationSupport.fetchCodeSystem(system);
        return codeSystem != null && !(codeSystem instanceof CodeSystem r4
                && r4.getContent() == CodeSystem.CodeSystemContentMode.NOTPRESENT);
    }
}
