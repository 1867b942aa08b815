package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.interceptor.UserRequestRetryVersionConflictsInterceptor;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.servlet.Filter;
import java.time.Clock;
import java.util.List;
import org.resistancecds.conformance.PackageWriter;
import org.resistancecds.security.FailedTokenThrottle;
import org.resistancecds.security.RefusedTokenLimitFilter;
import org.resistancecds.validation.LosslessParsingErrorHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.CorsFilter;

/** The HAPI RestfulServer servlet at {@code /fhir}, with the JPA providers and every registered plug-in. */
@Configuration
public class FhirRestfulServerConfig {

    public static final String FHIR_PATH = "/fhir";
    public static final String SERVER_NAME = "Resistance CDS Server";
    private static final String CDS_PATHS = "/cds-services/*";
    /**
     * What a FHIR client in a browser sends (conditional headers, {@code Prefer}, its own request id) and reads
     * back: where a create put the resource, its version and date, why a token was refused, the request id.
     */
    private static final CrossOriginPolicy FHIR_CLIENTS = new CrossOriginPolicy(
            List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"),
            List.of("Authorization", "Content-Type", "Accept", "Prefer", "If-Match", "If-None-Match", "If-None-Exist",
                    "If-Modified-Since", "X-Request-ID", "X-Retry-On-Version-Conflict"),
            List.of("Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate", "X-Request-ID"));

    @Bean
    public RestfulServer restfulServer(
            IFhirSystemDao<?, ?> systemDao,
            ResourceProviderFactory resourceProviders,
            IJpaSystemProvider systemProvider,
            ValueSetOperationProvider valueSetOperations,
            DatabaseBackedPagingProvider pagingProvider,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry,
            IValidationSupport validationSupport,
            DaoRegistry daoRegistry,
            FhirServerProperties properties,
            HttpLimitsProperties limits,
            MatchUrlService matchUrlService,
            List<FhirServerPlugin> plugins) {
        // Requests are parsed with the shared context's handler; stored resources are read with HAPI's own lenient one.
        systemDao.getContext().setParserErrorHandler(new LosslessParsingErrorHandler());
        VersionSpecificReferences.keepIn(systemDao.getContext());
        RestfulServer server = new RestfulServer(systemDao.getContext()) {
            /** None: HAPI's header named its exact version, and so which of its advisories apply here. */
            @Override
            protected String createPoweredByHeader() {
                return null;
            }
        };
        // The CapabilityStatement's software (public, like the header was) is this server, not HAPI's release.
        server.setServerName(SERVER_NAME);
        server.setServerVersion(PackageWriter.VERSION);
        server.registerProviders(resourceProviders.createProviders());
        server.registerProvider(systemProvider);
        server.registerProvider(valueSetOperations);
        server.setPagingProvider(pagingProvider);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setServerAddressStrategy(
                properties.serverAddress().isBlank()
                        ? new IncomingRequestAddressStrategy()
                        : new HardcodedServerAddressStrategy(properties.serverAddress()));
        JpaCapabilityStatementProvider capabilities = new ServerConformanceProvider(
                server, systemDao, storageSettings, searchParamRegistry, validationSupport, daoRegistry);
        capabilities.setImplementationDescription(SERVER_NAME);
        server.setServerConformanceProvider(capabilities);
        server.registerInterceptor(new UnavailableOperations());
        server.registerInterceptor(new CapabilityAdditions());
        server.registerInterceptor(new IfMatchVersionCheck());
        server.registerInterceptor(new UnsupportedBodyFormat());
        server.registerInterceptor(new AcceptableFormat());
        server.registerInterceptor(new PatchEtag());
        server.registerInterceptor(new PatchTarget());
        server.registerInterceptor(new PatchDryRun(systemDao.getContext()));
        server.registerInterceptor(new PatchBodyHints());
        server.registerInterceptor(new UnknownOperationAnswer());
        server.registerInterceptor(new NotModifiedAnswers());
        server.registerInterceptor(new PinnedHistoryPages());
        server.registerInterceptor(new PagingKeepsSummary());
        server.registerInterceptor(new PageBundleType());
        server.registerInterceptor(new TextSummaryRead());
        server.registerInterceptor(new WriteAnswers());
        server.registerInterceptor(new TerminologyCapabilitiesMode(daoRegistry));
        server.registerInterceptor(new ConditionalUpdateIdCheck(systemDao.getContext()));
        server.registerInterceptor(new ConditionalReferenceType(systemDao.getContext()));
        server.registerInterceptor(new ConditionalReferenceUnmatched());
        server.registerInterceptor(new TransactionIfMatchCheck());
        server.registerInterceptor(new IssueCodeByStatus());
        server.registerInterceptor(new BundleEntryLimit(limits.maxBundleEntries(), limits.maxBundleReads()));
        FhirContext context = systemDao.getContext();
        server.registerInterceptor(new TransactionEntryCheck(context, searchParameters(searchParamRegistry),
                new StoredBeforeTransaction(context, matchUrlService, daoRegistry)));
        server.registerInterceptor(new VersionedReferenceCheck(daoRegistry));
        server.registerInterceptor(new HeadEntriesAsGet());
        // A client that sends X-Retry-On-Version-Conflict has a write that lost a race retried (a loader's conditional
        // create then finds the winner's resource: 200, not 409); HAPI reads the header only with this registered.
        server.registerInterceptor(new UserRequestRetryVersionConflictsInterceptor());
        server.registerInterceptor(new UnconditionalWriteRetry());
        plugins.forEach(plugin -> plugin.register(server));
        return server;
    }

    /** Outermost of ours: a server that declared itself broken answers 503 before anything else runs. */
    @Bean
    public FilterRegistrationBean<BrokenStateFilter> brokenState(
            FhirContext fhirContext, ApplicationAvailability availability) {
        return filter(new BrokenStateFilter(fhirContext, availability), 5, FHIR_PATH + "/*", CDS_PATHS);
    }

    /**
     * Browser-based SMART apps on the listed origins, ahead of the token check. Off unless origins are listed:
     * with access control off ({@code dev}) any page a developer opens could otherwise read and write the data.
     */
    @Bean
    public FilterRegistrationBean<CorsFilter> fhirCors(FhirServerProperties properties, FhirContext fhirContext) {
        return FHIR_CLIENTS.filter("fhirCors", properties.allowedOrigins(),
                new RefusedOrigin(fhirContext, "resistance.fhir.allowed-origins"), FHIR_PATH + "/*");
    }

    /** After CORS (so a page can read the 429), before any body is read or token checked. */
    @Bean
    public FilterRegistrationBean<RefusedTokenLimitFilter> refusedTokenLimit(
            FhirContext fhirContext, HttpLimitsProperties limits) {
        return filter(new RefusedTokenLimitFilter(new FailedTokenThrottle(limits.failedTokenLimit(),
                limits.failedTokenWindow(), Clock.systemUTC()), fhirContext), 9, FHIR_PATH + "/*", CDS_PATHS);
    }

    @Bean
    public FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimit(
            FhirContext fhirContext, HttpLimitsProperties limits, ServerProperties server) {
        BodyUploads uploads = new BodyUploads(
                BodyUploads.slots(limits.maxUploads(), server.getTomcat().getThreads().getMax()),
                limits.minUploadRate().toBytes(), limits.uploadGrace(), System::nanoTime);
        return filter(RequestBodyLimitFilter.forHeap(fhirContext, limits.maxRequestBody().toBytes(), uploads), 10,
                FHIR_PATH + "/*", CDS_PATHS);
    }

    /** Right after the size limit, which has read the chunked bodies: every body's length is known. */
    @Bean
    public FilterRegistrationBean<BodiesInFlight> bodiesInFlight(FhirContext fhirContext, HttpLimitsProperties limits) {
        long budget = BodiesInFlight.budget(limits.maxBodiesInFlight().toBytes(), Runtime.getRuntime().maxMemory());
        return filter(new BodiesInFlight(fhirContext, budget, BodiesInFlight.WAIT), 11, FHIR_PATH + "/*", CDS_PATHS);
    }

    /** Before every filter that reads a media type. */
    @Bean
    public FilterRegistrationBean<MediaTypeCase> mediaTypeCase() {
        return filter(new MediaTypeCase(), 12, FHIR_PATH + "/*");
    }

    /** Header, query and format faults HAPI would answer with a 500, answered before it runs. */
    @Bean
    public FilterRegistrationBean<MalformedRequestFilter> malformedRequests(FhirContext fhirContext) {
        return filter(new MalformedRequestFilter(fhirContext), 15, FHIR_PATH + "/*");
    }

    /** After the size limit, so a body is buffered only once it is known to fit. */
    @Bean
    public FilterRegistrationBean<LossyJsonBodyFilter> lossyJsonBodies(FhirContext fhirContext) {
        return filter(new LossyJsonBodyFilter(fhirContext), 16, FHIR_PATH + "/*", CDS_PATHS);
    }

    /** Beside the JSON check; it shares rank 17 with the $validate body filter, whose requests it leaves alone. */
    @Bean
    public FilterRegistrationBean<LossyXmlBodyFilter> lossyXmlBodies(FhirContext fhirContext) {
        return filter(new LossyXmlBodyFilter(fhirContext), 17, FHIR_PATH + "/*");
    }

    /** Search syntax HAPI would ignore, refused before it widens a client's result. */
    @Bean
    public FilterRegistrationBean<SearchSyntaxFilter> searchSyntax(
            FhirContext fhirContext, ObjectProvider<ISearchParamRegistry> searchParamRegistry) {
        SearchSyntax.Parameters parameters = (type, name) -> searchParameters(searchParamRegistry.getObject())
                .find(type, name);
        return filter(new SearchSyntaxFilter(fhirContext, parameters), 18, FHIR_PATH + "/*");
    }

    /** The search parameters in force, ours among them, as searches see them. */
    private static SearchSyntax.Parameters searchParameters(ISearchParamRegistry registry) {
        return (type, name) -> registry.getActiveSearchParam(
                type, name, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
    }

    /** After the checks above, which see the request's own method. */
    @Bean
    public FilterRegistrationBean<HeadAsGetFilter> headAsGet() {
        return filter(new HeadAsGetFilter(), 19, FHIR_PATH + "/*");
    }

    @Bean
    public FilterRegistrationBean<MisleadingLocation> misleadingLocation() {
        return filter(new MisleadingLocation(), 20, FHIR_PATH + "/*");
    }

    /** Innermost filter, next to the servlet: the wrappers of the filters before it see each write as usual. */
    @Bean
    public FilterRegistrationBean<DeferredFlushFilter> deferredFlush() {
        FilterRegistrationBean<DeferredFlushFilter> registration = filter(new DeferredFlushFilter(), 0, FHIR_PATH + "/*");
        registration.setOrder(Ordered.LOWEST_PRECEDENCE);
        return registration;
    }

    /** A filter on the given paths, at {@code rank} after the highest precedence (smaller runs earlier). */
    public static <T extends Filter> FilterRegistrationBean<T> filter(T filter, int rank, String... urlPatterns) {
        FilterRegistrationBean<T> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns(urlPatterns);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + rank);
        return registration;
    }

    @Bean
    public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, FHIR_PATH + "/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
