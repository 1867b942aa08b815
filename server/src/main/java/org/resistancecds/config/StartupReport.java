package org.resistancecds.config;

import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Logs one line when the server is ready: where it listens, on which database, and how long start took. */
@Component
public class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    @EventListener
    public void ready(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        String url = env.getProperty("spring.datasource.url", "");
        // Never log credentials: a JDBC URL may carry a password parameter.
        String database = url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=***");
        log.info("Ready: FHIR base http://localhost:{}{} on {} after {} ms (JVM start to ready)",
                env.getProperty("local.server.port"), FhirRestfulServerConfig.FHIR_PATH, database,
                ManagementFactory.getRuntimeMXBean().getUptime());
    }
}
