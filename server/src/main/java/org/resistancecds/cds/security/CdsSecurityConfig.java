package org.resistancecds.cds.security;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.resistancecds.cds.CdsHooksController;
import org.resistancecds.cds.CdsHooksProperties;
import org.resistancecds.config.CrossOriginPolicy;
import org.resistancecds.config.RefusedOrigin;
import org.resistancecds.config.SchemaInitLock;
import org.resistancecds.storage.DatabaseProduct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.CorsFilter;

/**
 * Filters in front of {@code /cds-services}: CORS for browser-based EHRs and sandboxes first (so even a 401
 * can be read by the page), then client JWT authentication, unless {@code resistance.cds.security.enabled} is
 * false.
 */
@Configuration
public class CdsSecurityConfig {

    private static final Logger log = LoggerFactory.getLogger(CdsSecurityConfig.class);
    private static final String[] PATHS = {CdsHooksController.BASE, CdsHooksController.BASE + "/*"};
    /** A page can show why a call was refused ({@code WWW-Authenticate}). */
    private static final CrossOriginPolicy CDS_CALLS = new CrossOriginPolicy(List.of("GET", "POST", "OPTIONS"),
            List.of("Authorization", "Content-Type", "Accept"), List.of("WWW-Authenticate"));

    @Bean
    @ConditionalOnProperty(prefix = "resistance.cds.security", name = "enabled", havingValue = "true",
            matchIfMissing = true)
    public FilterRegistrationBean<CdsAuthenticationFilter> cdsAuthenticationFilter(CdsSecurityProperties security,
            CdsHooksProperties cds, FhirContext fhirContext, DataSource dataSource, SchemaInitLock schemaInitLock) {
        CdsJwtVerifier verifier = new CdsJwtVerifier(security, Clock.systemUTC(), sharedReplays(dataSource));
        if (!verifier.hasClients()) {
            log.warn("CDS Hooks authentication is on but no client is trusted (resistance.cds.security.clients): "
                    + "every call to {} will be refused with 401.", CdsHooksController.BASE);
        }
        if (cds.publicBaseUrl().isBlank()) {
            // The audience is then the URL the request names, whose host a caller chooses (Host header): a token a
            // client issued to another CDS service with the same path would pass for this one.
            log.warn("resistance.cds.public-base-url is not set: the aud of CDS client JWTs is compared with the URL "
                    + "built from each request's Host header, which the caller controls. Set it to the URL clients "
                    + "call (e.g. https://cds.example.org) in production.");
        }
        FilterRegistrationBean<CdsAuthenticationFilter> registration = new FilterRegistrationBean<>(
                new CdsAuthenticationFilter(verifier, fhirContext, cds.publicBaseUrl()));
        registration.addUrlPatterns(PATHS);
        registration.setName("cdsAuthentication");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /**
     * On PostgreSQL, which several nodes may share, accepted token ids are kept in a table of it too; created under
     * the schema lock, like the server's other tables. An H2 file belongs to one process: memory is enough there.
     */
    private static SharedTokenIds sharedReplays(DataSource dataSource) {
        if (!DatabaseProduct.isPostgres(dataSource)) {
            return null;
        }
        SharedTokenIds shared = new SharedTokenIds(dataSource, Clock.systemUTC());
        shared.createTable();
        log.info("CDS client token ids are checked for replay across the nodes sharing this database (table {})",
                SharedTokenIds.TABLE);
        return shared;
    }

    @Bean
    @ConditionalOnProperty(prefix = "resistance.cds.security", name = "enabled", havingValue = "false")
    public Object cdsAuthenticationOffWarning() {
        String line = "*".repeat(100);
        log.warn("\n{}\n*** CDS Hooks client authentication is OFF (resistance.cds.security.enabled=false).\n"
                + "*** Anyone who can reach {} can read patient-derived guidance. Use only for local development.\n{}",
                line, CdsHooksController.BASE, line);
        return new Object();
    }

    @Bean
    public FilterRegistrationBean<CorsFilter> cdsCorsFilter(CdsHooksProperties cds, FhirContext fhirContext) {
        return CDS_CALLS.filter("cdsCors", cds.allowedOrigins(),
                new RefusedOrigin(fhirContext, "resistance.cds.allowed-origins"), PATHS);
    }
}
