package org.resistancecds.search;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.resistancecds.config.FhirServerPlugin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What this server adds to HAPI's search: the client's {@code Prefer: handling}, honest unstored answers, empty
 * parameters ignored, and 400s for a ValueSet the search names but the server lacks and for an unknown type in
 * {@code _type}.
 */
@Configuration
public class SearchConfig {

    @Bean
    public FhirServerPlugin searchHandlingPreference(ISearchParamRegistry registry) {
        SearchHandlingPreference interceptor = new SearchHandlingPreference(registry);
        return server -> server.registerInterceptor(interceptor);
    }

    @Bean
    public FhirServerPlugin unstoredSearchTotal(DaoRegistry daoRegistry, MatchUrlService matchUrlService) {
        return server -> server.registerInterceptor(new UnstoredSearchTotal(daoRegistry, matchUrlService));
    }

    @Bean
    public FhirServerPlugin unknownValueSetInSearch() {
        return server -> server.registerInterceptor(new UnknownValueSetInSearch());
    }

    @Bean
    public FhirServerPlugin unknownTypeInTypeParameter() {
        return server -> server.registerInterceptor(new UnknownTypeInTypeParameter());
    }

    @Bean
    public FhirServerPlugin everythingOfUnknownPatient() {
        return server -> server.registerInterceptor(new EverythingOfUnknownPatient());
    }

    @Bean
    public FhirServerPlugin emptySearchParameters() {
        return server -> server.registerInterceptor(new EmptySearchParameters());
    }

    /** With the storage layer's interceptors: REST searches, transaction reads and the CDS prefetch alike. */
    @Bean
    public PartialDateBounds partialDateBounds(IInterceptorService storageInterceptors) {
        PartialDateBounds bounds = new PartialDateBounds();
        storageInterceptors.registerInterceptor(bounds);
        return bounds;
    }

    /** With the storage layer's interceptors, before HAPI's own expansion of the same ValueSet fails. */
    @Bean
    public UnexpandableValueSetInSearch unexpandableValueSetInSearch(IInterceptorService storageInterceptors,
            IValidationSupport validationSupport, JpaStorageSettings storageSettings) {
        UnexpandableValueSetInSearch check = new UnexpandableValueSetInSearch(
                validationSupport, storageSettings.getMaximumExpansionSize());
        storageInterceptors.registerInterceptor(check);
        return check;
    }

    /** With the storage layer's interceptors: REST searches, transaction reads and the CDS prefetch alike. */
    @Bean
    public SubsumptionInUnheldCodeSystem subsumptionInUnheldCodeSystem(IInterceptorService storageInterceptors,
            IValidationSupport validationSupport) {
        SubsumptionInUnheldCodeSystem check = new SubsumptionInUnheldCodeSystem(validationSupport);
        storageInterceptors.registerInterceptor(check);
        return check;
    }

    @Bean
    public FhirServerPlugin everythingSince() {
        return server -> server.registerInterceptor(new EverythingSince());
    }

    @Bean
    public FhirServerPlugin batchEntryStatuses() {
        return server -> server.registerInterceptor(new BatchEntryStatuses());
    }
}
