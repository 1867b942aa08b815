package org.resistancecds.security;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.resistancecds.cds.CdsErrorBody;
import org.resistancecds.config.FhirRestfulServerConfig;
import org.resistancecds.config.FhirServerPlugin;
import org.resistancecds.config.MalformedRequestFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Access control of {@code /fhir}: a Spring Security resource-server chain verifies the bearer JWT, and HAPI's
 * authorization interceptor enforces its SMART scopes. The CapabilityStatement and the SMART configuration stay
 * public. With {@code resistance.security.enabled=false} (the {@code dev} profile) the endpoint is open and the
 * log says so loudly; with no issuer configured it is closed and the log says that loudly too.
 */
@Configuration
@EnableConfigurationProperties(FhirSecurityProperties.class)
public class FhirSecurityConfig {

    private static final Logger log = LoggerFactory.getLogger(FhirSecurityConfig.class);
    private static final String BANNER = "*".repeat(100);

    static final RequestMatcher FHIR = PathPatternRequestMatcher.withDefaults()
            .matcher(FhirRestfulServerConfig.FHIR_PATH + "/**");
    static final RequestMatcher PUBLIC = new OrRequestMatcher(
            PathPatternRequestMatcher.withDefaults().matcher(FhirRestfulServerConfig.FHIR_PATH + "/metadata"),
            PathPatternRequestMatcher.withDefaults().matcher(SmartConfigurationServlet.PATH));

    @Bean
    public FhirTokenVerifier fhirTokenVerifier(FhirSecurityProperties properties) {
        return FhirTokenVerifier.of(properties);
    }

    @Bean
    public SecurityFilterChain fhirSecurityChain(
            HttpSecurity http, FhirSecurityProperties properties, FhirTokenVerifier verifier, FhirContext fhirContext)
            throws Exception {
        http.securityMatcher(FHIR)
                .csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        if (!properties.enabled()) {
            log.warn("\n{}\n*** FHIR access control is OFF (resistance.security.enabled=false).\n"
                    + "*** Anyone who can reach {} can read and write all patient data. Use only for local "
                    + "development.\n{}", BANNER, FhirRestfulServerConfig.FHIR_PATH, BANNER);
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
            return http.build();
        }
        String unconfigured = null;
        if (!verifier.isConfigured()) {
            unconfigured = "this server has no token issuer configured ("
                    + String.join(", ", properties.missingSettings()) + "), so it accepts no access token";
            log.warn("\n{}\n*** FHIR access control is ON but {}.\n*** Every data request to {} is refused with "
                    + "401; only /metadata and /.well-known/smart-configuration answer.\n*** Configure the issuer, "
                    + "or use --spring.profiles.active=dev for open local use.\n{}",
                    BANNER, unconfigured, FhirRestfulServerConfig.FHIR_PATH, BANNER);
        } else {
            log.info("FHIR access control: bearer tokens of issuer {} (JWKS {}, audience {}), SMART scopes enforced",
                    properties.issuer(), properties.jwkSetUri(), properties.audience());
        }
        FhirAuthenticationEntryPoint entryPoint = new FhirAuthenticationEntryPoint(fhirContext, unconfigured);
        http.authorizeHttpRequests(requests -> requests.requestMatchers(PUBLIC).permitAll()
                        .anyRequest().authenticated())
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.decoder(verifier.decoder()))
                        .bearerTokenResolver(publicPathsIgnored())
                        .authenticationEntryPoint(entryPoint))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(entryPoint))
                .addFilterAfter(new FhirAccessFilter(verifier), BearerTokenAuthenticationFilter.class);
        return http.build();
    }

    /** Public documents answer whatever Authorization header a client sends along. */
    private static BearerTokenResolver publicPathsIgnored() {
        DefaultBearerTokenResolver standard = new DefaultBearerTokenResolver();
        return (HttpServletRequest request) -> PUBLIC.matches(request) ? null : standard.resolve(request);
    }

    @Bean
    public FhirServerPlugin fhirSecurityPlugin(FhirSecurityProperties properties,
            ISearchParamRegistry searchParamRegistry, IJobCoordinator jobs) {
        return server -> {
            server.registerInterceptor(new ErrorSanitizingInterceptor());
            if (properties.enabled()) {
                Set<String> sharedReadTypes = new LinkedHashSet<>(properties.sharedReadTypes());
                SmartRules rules = new SmartRules(sharedReadTypes);
                server.registerInterceptor(new SmartAuthorizationInterceptor(rules));
                server.registerInterceptor(new ConditionalWriteNarrowing());
                server.registerInterceptor(new PatientSearchLimit(server.getFhirContext(), sharedReadTypes));
                server.registerInterceptor(
                        new ChainedSearchScope(server.getFhirContext(), searchParamRegistry, sharedReadTypes));
                server.registerInterceptor(new PatientWriteLimit());
                server.registerInterceptor(new ConditionalReferenceScope(server.getFhirContext(), sharedReadTypes));
                server.registerInterceptor(new SubscriptionScope());
                server.registerInterceptor(new PersistScope());
                server.registerInterceptor(new ExportFileScope());
                server.registerInterceptor(new ExportJobOwner(jobs, server.getFhirContext()));
                server.registerInterceptor(new SmartCapabilityInterceptor(properties));
            }
        };
    }

    static final String FIREWALL_ADVICE = "Send the path in its plain form: no '//', '/./' or '/../' segments, "
            + "no ';', and no encoded '/', '\\' or '%'.";

    /**
     * Paths Spring Security's firewall refuses ({@code //}, {@code ;}, {@code ..}, encoded slashes) get a 400 with an
     * OperationOutcome, like every other bad request, instead of Spring's own error document.
     */
    @Bean
    public RequestRejectedHandler requestRejectedHandler(FhirContext fhirContext) {
        return (request, response, rejected) -> {
            // The firewall also refuses methods outside its list (TRACE): that is a 405, as on /fhir.
            if (!MalformedRequestFilter.FHIR_METHODS.contains(request.getMethod())) {
                response.setHeader("Allow", MalformedRequestFilter.ALLOWED);
                CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                        "This server has no " + request.getMethod() + " interaction; use "
                                + MalformedRequestFilter.ALLOWED + ".");
                return;
            }
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST,
                    rejected.getMessage().replaceAll("\\.+$", "") + ". " + FIREWALL_ADVICE);
        };
    }

    /** Registered at its exact path, which the servlet container prefers to the FHIR servlet's {@code /fhir/*}. */
    @Bean
    public ServletRegistrationBean<SmartConfigurationServlet> smartConfigurationServlet(
            FhirSecurityProperties properties, ObjectMapper json) throws IOException {
        ServletRegistrationBean<SmartConfigurationServlet> registration = new ServletRegistrationBean<>(
                new SmartConfigurationServlet(properties, json), SmartConfigurationServlet.PATH);
        registration.setName("smartConfiguration");
        return registration;
    }
}
