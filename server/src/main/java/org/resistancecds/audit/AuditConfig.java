package org.resistancecds.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.resistancecds.config.FhirRestfulServerConfig;
import org.resistancecds.config.FhirServerPlugin;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit log and what feeds it: a filter around the FHIR and CDS endpoints, a FHIR interceptor, and Tomcat's
 * report of the requests it refused before the application saw them.
 */
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
        // Outermost: every other filter's refusal (401 from Spring Security or the CDS client check) is recorded.
        FilterRegistrationBean<AuditFilter> registration = FhirRestfulServerConfig.filter(
                new AuditFilter(auditLog), 1, "/fhir/*", "/cds-services", "/cds-services/*");
        registration.setName("audit");
        return registration;
    }

    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> httpLayerRefusalAudit(AuditLog auditLog) {
        return factory -> factory.addEngineValves(new HttpLayerRefusalAudit(auditLog));
    }

    @Bean
    public FhirServerPlugin fhirAuditPlugin() {
        return server -> server.registerInterceptor(new FhirAuditInterceptor());
    }
}
