package org.resistancecds.config;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.IDaoRegistry;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.model.HistoryCountModeEnum;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.JpaConfig;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.dao.FulltextSearchSvcImpl;
import ca.uhn.fhir.jpa.dao.IJpaStorageResourceParser;
import ca.uhn.fhir.jpa.dao.IResourceMetadataExtractorSvc;
import ca.uhn.fhir.jpa.dao.data.IResourceHistoryTableDao;
import ca.uhn.fhir.jpa.esr.ExternallyStoredResourceServiceRegistry;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.jpa.search.BatchResourceLoader;
import ca.uhn.fhir.util.IMetaTagSorter;
import ca.uhn.fhir.jpa.graphql.GraphQLProvider;
import ca.uhn.fhir.context.support.IValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain.CacheConfiguration;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.utilities.graphql.IGraphQLStorageServices;
import ca.uhn.fhir.jpa.dao.IFulltextSearchSvc;
import ca.uhn.fhir.jpa.dao.search.HSearchSortHelperImpl;
import ca.uhn.fhir.jpa.dao.search.IHSearchSortHelper;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.jpa.provider.DaoRegistryResourceSupportedSvc;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.search.IStaleSearchDeletingSvc;
import ca.uhn.fhir.jpa.search.StaleSearchDeletingSvcImpl;
import ca.uhn.fhir.jpa.util.ResourceCountCache;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.rest.api.IResourceSupportedSvc;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.cfg.AvailableSettings;
import org.resistancecds.storage.DurableCommitTransactionManager;
import org.resistancecds.storage.CurrentResourceCounts;
import org.resistancecds.storage.DatabaseProduct;
import org.resistancecds.storage.CurrentVersionQuery;
import org.resistancecds.storage.H2FileSync;
import org.resistancecds.storage.ParsedResourceCache;
import org.resistancecds.storage.PatientRowLock;
import org.resistancecds.storage.RecordSnapshot;
import org.resistancecds.storage.SingleTargetReferences;
import org.resistancecds.validation.ConsistentValidationSupportChain;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.orm.jpa.JpaProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;

/** Wires HAPI's R4 JPA storage onto Spring Boot's DataSource. */
@Configuration
@Import({JpaR4Config.class, ThreadPoolFactoryConfig.class, JpaBatch2Config.class, Batch2JobsConfig.class})
public class FhirJpaConfig {

    @Bean
    public JpaStorageSettings storageSettings(FhirServerProperties properties) {
        JpaStorageSettings settings = new JpaStorageSettings();
        settings.setAllowExternalReferences(true);
        settings.setAllowMultipleDelete(true);
        settings.setExpungeEnabled(false);
        // Conformance resources are loaded from the repository; lookups by canonical URL must be exact.
        settings.setEnforceReferentialIntegrityOnWrite(true);
        settings.setEnforceReferentialIntegrityOnDelete(true);
        settings.setDefaultSearchParamsCanBeOverridden(true);
        settings.setDeferIndexingForCodesystemsOfSize(10_000);
        // Ids this server assigns are UUIDs, so a client may assign any id, numbers included: an export of a server
        // that assigned numeric ids (this one before, or HAPI's default) imports whole. With numeric server ids HAPI
        // refused numeric client ids (HAPI-0960), and an export-import round trip lost the Communications.
        settings.setResourceServerIdStrategy(JpaStorageSettings.IdStrategyEnum.UUID);
        settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ANY);
        // HAPI answers a search repeated within a minute from its earlier result, so a search right after a write
        // misses it (a clinician's new result, feedback just sent). Every search runs anew here.
        settings.setReuseCachedSearchResultsForMillis(null);
        // The same for history: HAPI answered a history's total from a count cached for a minute, so a history read
        // after an update showed the old total and only the newest versions (an audit saw v4 alone, v1-v3 missing).
        settings.setHistoryCountMode(HistoryCountModeEnum.COUNT_ACCURATE);
        // FHIR defines :contains on string and uri parameters (a clinician's name:contains=...); HAPI answered 405.
        // It matches with LIKE '%...%' over the normalised string index, a scan of that parameter's rows.
        settings.setAllowContainsSearches(true);
        // fetchSizeDefaultMaximum is left unset on purpose: HAPI caps its own synchronous searches (bulk export,
        // $everything) at that value and then cannot tell their size, which failed bulk export once a type held
        // more than a page of resources. Client paging is limited by the paging provider (FhirRestfulServerConfig).
        return settings;
    }

    @Bean
    public PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    /**
     * Forces an embedded H2 file to disk every second so H2 can reuse its space sooner, and reports the server broken
     * if H2 gives up on its file; idle on other databases.
     */
    @Bean
    public H2FileSync h2FileSync(DataSource dataSource, MeterRegistry registry, ApplicationEventPublisher events) {
        return new H2FileSync(dataSource, registry, events);
    }

    @Bean
    public SchemaInitLock schemaInitLock(DataSource dataSource) throws SQLException {
        return SchemaInitLock.acquire(dataSource);
    }

    /** Built under the schema lock: Hibernate's schema update and HAPI's start-up rows run one node at a time. */
    @Primary
    @Bean
    public LocalContainerEntityManagerFactoryBean entityManagerFactory(
            SchemaInitLock schemaInitLock,
            ConfigurableListableBeanFactory beanFactory,
            FhirContext fhirContext,
            JpaStorageSettings storageSettings,
            JpaProperties jpaProperties,
            DataSource dataSource) {
        LocalContainerEntityManagerFactoryBean factory =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        Map<String, String> props = jpaProperties.getProperties();
        props.putIfAbsent(AvailableSettings.SCANNER, "org.hibernate.boot.archive.scan.internal.DisabledScanner");
        props.putIfAbsent(AvailableSettings.HBM2DDL_AUTO, "update");
        props.putIfAbsent(AvailableSettings.STATEMENT_BATCH_SIZE, "30");
        props.putIfAbsent(AvailableSettings.ORDER_INSERTS, "true");
        props.putIfAbsent(AvailableSettings.USE_SECOND_LEVEL_CACHE, "false");
        props.putIfAbsent(AvailableSettings.USE_QUERY_CACHE, "false");
        // We use no fulltext search: keeping Hibernate Search off avoids Lucene start-up and disk use.
        props.putIfAbsent("hibernate.search.enabled", "false");
        if (props.getOrDefault(AvailableSettings.DIALECT, "").contains("H2")) {
            props.putIfAbsent(AvailableSettings.STATEMENT_INSPECTOR, H2IdLookupRewriter.class.getName());
            // Hibernate would create, at every start, a global temporary table per entity for HQL INSERT ... SELECT,
            // which HAPI never issues; three of those tables fail on H2 (HAPI maps a column twice) and each start
            // left their errors in H2's trace file.
            props.putIfAbsent("hibernate.query.mutation_strategy.global_temporary.create_tables", "false");
        }
        factory.setPersistenceUnitName("HAPI_PU");
        factory.setJpaPropertyMap(props);
        factory.setDataSource(dataSource);
        return factory;
    }

    @Primary
    @Bean
    public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new DurableCommitTransactionManager(entityManagerFactory);
    }

    /**
     * HAPI's history-table repository with the per-search load of current versions given plans Hibernate keeps
     * ({@link CurrentVersionQuery}). Primary, so HAPI's search builders get it; the original is HAPI's bean.
     */
    @Primary
    @Bean
    public IResourceHistoryTableDao currentVersionQueryDao(
            @Qualifier("IResourceHistoryTableDao") IResourceHistoryTableDao hapiDao,
            EntityManagerFactory entityManagerFactory) {
        return CurrentVersionQuery.wrap(hapiDao, SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory));
    }

    /** Registered with the storage layer's interceptors, so every write path takes the lock. */
    @Bean
    public PatientRowLock patientRowLock(FhirContext fhirContext, EntityManagerFactory entityManagerFactory,
            DataSource dataSource, IInterceptorService storageInterceptors) {
        PatientRowLock lock =
                new PatientRowLock(fhirContext, entityManagerFactory, DatabaseProduct.isPostgres(dataSource));
        storageInterceptors.registerInterceptor(lock);
        return lock;
    }

    /** Registered with the storage layer's interceptors, so REST searches and the CDS prefetch get it alike. */
    @Bean
    public SingleTargetReferences singleTargetReferences(
            FhirContext fhirContext, IInterceptorService storageInterceptors) {
        SingleTargetReferences qualifier = new SingleTargetReferences(fhirContext);
        storageInterceptors.registerInterceptor(qualifier);
        return qualifier;
    }

    /**
     * HAPI's loader of search results with a cache of parsed resource versions in front of the JSON parse
     * ({@code resistance.storage.parsed-resource-cache-chars}: stored text kept, in characters; 0 turns it off).
     * Primary, so HAPI's search configuration builds its search builders with it.
     */
    @Primary
    @Bean
    public BatchResourceLoader cachingBatchResourceLoader(
            FhirContext fhirContext,
            IResourceMetadataExtractorSvc metadata,
            IJpaStorageResourceParser storageParser,
            ExternallyStoredResourceServiceRegistry externalStorage,
            IMetaTagSorter tagSorter,
            PartitionSettings partitionSettings,
            IPartitionLookupSvc partitionLookup,
            @Value("${resistance.storage.parsed-resource-cache-chars:8000000}") long maxTextChars) {
        if (maxTextChars <= 0) {
            return new BatchResourceLoader(fhirContext, metadata, storageParser, externalStorage, tagSorter,
                    partitionSettings, partitionLookup);
        }
        return new ParsedResourceCache(fhirContext, metadata, storageParser, externalStorage, tagSorter,
                partitionSettings, partitionLookup, maxTextChars);
    }

    /** HAPI's validation chain, whole while its caches are cleared (see the class); the name HAPI's is known by. */
    @Bean(name = JpaConfig.JPA_VALIDATION_SUPPORT_CHAIN)
    @Primary
    public ConsistentValidationSupportChain jpaValidationSupportChain(FhirContext fhirContext,
            CacheConfiguration cacheConfiguration, WorkerContextValidationSupportAdapter workerContext) {
        return new ConsistentValidationSupportChain(fhirContext, cacheConfiguration, workerContext);
    }

    /**
     * Replaces HAPI's GraphQL provider with the plain one: its introspection variant needs graphql-java,
     * which this server leaves out, and we do not offer GraphQL. Lazy, as HAPI declares it: nothing registers it,
     * so it is never built.
     */
    @Bean(name = "myGraphQLProvider")
    @Lazy
    public GraphQLProvider graphQLProvider(FhirContext fhirContext, IValidationSupport validationSupport,
            IGraphQLStorageServices storageServices) {
        return new GraphQLProvider(fhirContext, validationSupport, storageServices);
    }

    /**
     * Only when Hibernate Search is on: HAPI's terminology service takes this bean's presence to mean a
     * full-text index exists, and then expands value sets and answers $subsumes through it, which fails
     * when the index is off. Without the bean it uses plain database queries.
     */
    @Bean
    @ConditionalOnProperty(name = "spring.jpa.properties.hibernate.search.enabled", havingValue = "true")
    public IFulltextSearchSvc fullTextSearchSvc() {
        return new FulltextSearchSvcImpl();
    }

    @Bean
    public IHSearchSortHelper hSearchSortHelper(ISearchParamRegistry searchParamRegistry) {
        return new HSearchSortHelperImpl(searchParamRegistry);
    }

    @Bean
    public IStaleSearchDeletingSvc staleSearchDeletingSvc() {
        return new StaleSearchDeletingSvcImpl();
    }

    @Bean
    public DatabaseBackedPagingProvider databaseBackedPagingProvider(FhirServerProperties properties) {
        DatabaseBackedPagingProvider paging = new DatabaseBackedPagingProvider();
        paging.setDefaultPageSize(properties.defaultPageSize());
        paging.setMaximumPageSize(properties.maxPageSize());
        return paging;
    }

    @Bean
    public IResourceSupportedSvc resourceSupportedSvc(IDaoRegistry daoRegistry) {
        return new DaoRegistryResourceSupportedSvc(daoRegistry);
    }

    @Bean
    public RecordSnapshot recordSnapshot(PlatformTransactionManager transactionManager,
            EntityManagerFactory entityManagerFactory, DataSource dataSource) {
        return new RecordSnapshot(transactionManager, entityManagerFactory, dataSource);
    }

    /** For {@code $get-resource-counts}: current resources, at most 10 s old (HAPI: none for 10 minutes, then 4 h). */
    @Bean(name = "myResourceCountsCache")
    public ResourceCountCache resourceCountsCache(DataSource dataSource) {
        return new CurrentResourceCounts(dataSource, Duration.ofSeconds(10));
    }
}
