package org.resistancecds.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.resistancecds.cds.cards.CardMapper;
import org.resistancecds.cds.feedback.FeedbackParser;
import org.resistancecds.cds.feedback.FeedbackStore;
import org.resistancecds.cds.security.CdsSecurityProperties;
import org.resistancecds.cds.prefetch.FhirServerReader;
import org.resistancecds.cds.prefetch.PrefetchResolver;
import org.resistancecds.cds.prefetch.RepositoryAccessPolicy;
import org.resistancecds.cds.prefetch.RepositoryReader;
import org.resistancecds.cds.prefetch.RepositoryFetchCache;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import org.resistancecds.cds.request.HookRequestParser;
import org.resistancecds.config.FhirRestfulServerConfig;
import org.resistancecds.config.FhirServerProperties;
import org.resistancecds.knowledge.ResistanceEvaluator;
import org.resistancecds.knowledgepage.KnowledgePageLinks;
import org.resistancecds.security.FhirSecurityProperties;
import org.resistancecds.security.FhirTokenVerifier;
import org.resistancecds.storage.RecordSnapshot;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Wires the CDS Hooks services onto the engine ({@link ResistanceEvaluator}, from the context) and the repository. */
@Configuration
public class CdsServicesConfig {

    @Bean
    public CdsJson cdsJson(FhirContext fhirContext) {
        return new CdsJson(fhirContext);
    }

    /** Card sources without a verified DOI link to this server's knowledge pages. */
    @Bean
    public CardMapper cardMapper(CdsHooksProperties properties, FhirServerProperties fhirProperties) {
        return new CardMapper(new KnowledgePageLinks(publicBase(properties, fhirProperties)));
    }

    /**
     * This server's base as a clinician's browser reaches it: {@code public-base-url}, else the FHIR server address
     * without its {@code /fhir}, else the address the EHR called (which may be one only the EHR can reach).
     */
    static Supplier<String> publicBase(CdsHooksProperties properties, FhirServerProperties fhirProperties) {
        String configured = properties.publicBaseUrl().strip();
        String fhirAddress = fhirProperties.serverAddress().strip().replaceAll("/+$", "");
        if (configured.isEmpty() && fhirAddress.endsWith(FhirRestfulServerConfig.FHIR_PATH)) {
            configured = fhirAddress.substring(0, fhirAddress.length() - FhirRestfulServerConfig.FHIR_PATH.length());
        }
        if (!configured.isEmpty()) {
            String base = configured;
            return () -> base;
        }
        return () -> ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
    }

    /**
     * The resistance services for patient-view, order-select and order-sign, plus any other {@link CdsService}
     * bean (the benchmark's trivial service).
     */
    @Bean
    public CdsServiceCatalog cdsServiceCatalog(
            ResistanceEvaluator evaluator, CardMapper cardMapper, CdsSecurityProperties security,
            ObjectProvider<CdsService> otherServices) {
        List<CdsService> services = new ArrayList<>();
        for (CdsServiceDefinition definition : ResistanceCdsService.definitions(security.enabled())) {
            services.add(new ResistanceCdsService(definition, evaluator, cardMapper, Clock.systemUTC()));
        }
        otherServices.orderedStream().forEach(services::add);
        return new CdsServiceCatalog(services);
    }

    @Bean
    public HookRequestParser hookRequestParser(CdsJson cdsJson, CdsHooksProperties properties) {
        return new HookRequestParser(cdsJson, properties.prefetch().maxResources());
    }

    /** Registered with the storage layer's interceptors, so every write, not only REST ones, refreshes it. */
    @Bean
    public RepositoryFetchCache repositoryFetchCache(
            FhirContext fhirContext, CdsHooksProperties properties, IInterceptorService storageInterceptors) {
        CdsHooksProperties.Prefetch settings = properties.prefetch();
        RepositoryFetchCache cache =
                new RepositoryFetchCache(fhirContext, settings.cacheTtl(), settings.cacheMaxResources());
        storageInterceptors.registerInterceptor(cache);
        return cache;
    }

    @Bean
    public RepositoryReader repositoryReader(
            FhirContext fhirContext,
            DaoRegistry daoRegistry,
            MatchUrlService matchUrlService,
            ISearchParamExtractor searchParamExtractor,
            RecordSnapshot snapshot,
            CdsHooksProperties properties) {
        return new RepositoryReader(fhirContext, daoRegistry, matchUrlService, searchParamExtractor,
                properties.prefetch().maxResources(), snapshot);
    }

    @Bean
    public PrefetchResolver prefetchResolver(
            RepositoryReader repositoryReader,
            RepositoryFetchCache repositoryFetchCache,
            FhirContext fhirContext,
            CdsHooksProperties properties,
            FhirSecurityProperties fhirSecurity,
            FhirTokenVerifier fhirTokens) {
        CdsHooksProperties.Prefetch settings = properties.prefetch();
        return new PrefetchResolver(
                repositoryReader,
                repositoryFetchCache,
                new RepositoryAccessPolicy(fhirSecurity.enabled(), fhirTokens,
                        Set.copyOf(fhirSecurity.sharedReadTypes()), fhirContext),
                new FhirServerReader(fhirContext, settings.timeout(), settings.maxPages(), settings.maxResources()),
                settings.requireHttps());
    }

    @Bean
    public FeedbackParser feedbackParser() {
        return new FeedbackParser(Clock.systemUTC());
    }

    @Bean
    public FeedbackStore feedbackStore(IFhirSystemDao<Bundle, Meta> systemDao) {
        return new FeedbackStore(systemDao, Clock.systemUTC());
    }
}
