package org.resistancecds.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.resistancecds.config.FhirServerPlugin;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The audit log and what feeds it: a filter around the FHIR and CDS endpoints and a FHIR interceptor. */
@Configuration
@EnableConfigurationProperties(AuditProperties.class)
@ConditionalOnProperty(prefix = "resistance.audit", name = "enabled", havingValue = "true", matchIfMissing = true)
public class AuditConfig {

    @Bean(destroyMethod = "close")
    public AuditLog auditLog(AuditProperties properties, ObjectMapper json) {
        return new AuditLog(Path.of(properties.file()), json);
    }

    @Bean
    public FilterRegistrationBean<AuditFilter> auditFilter(AuditLog auditLog) {
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(new AuditFilter(auditLog));
        registration.addUrlPatterns("/fhir/*", "/cds-services", "/cds-services/*");
        registration.setName("audit");
        // Outermost: every other filter's refusal (401 from Spring Security or the CDS client check) is recorded.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    @Bean
    public FhirServerPlugin fhirAuditPlugin() {
        return server -> server.registerInterceptor(new FhirAuditInterceptor());
    }
}
