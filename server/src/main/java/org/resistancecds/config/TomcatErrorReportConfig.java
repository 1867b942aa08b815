package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.resistancecds.cds.CdsHooksController;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts {@link JsonErrorReportValve} in place of Tomcat's HTML error report. */
@Configuration
public class TomcatErrorReportConfig {

    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReport(
            ObjectProvider<FhirContext> fhirContext) {
        return new JsonErrorReport(fhirContext);
    }

    /**
     * Runs after Spring Boot's own customizer (order 0), which adds a plain ErrorReportValve to the host when stack
     * traces are off; that one is removed here, and the host is told ours is its report valve, or it would add its
     * default (HTML, with the Tomcat version) at start.
     */
    private record JsonErrorReport(ObjectProvider<FhirContext> fhirContext)
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                Host host = (Host) context.getParent();
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.getPipeline().addValve(
                        new JsonErrorReportValve(fhirContext::getObject, context.getPath() + CdsHooksController.BASE));
                if (host instanceof StandardHost standard) {
                    standard.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
