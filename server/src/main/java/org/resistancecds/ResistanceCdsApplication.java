package org.resistancecds;

import org.resistancecds.cli.CommandLine;
import org.resistancecds.config.OutOfMemoryExit;
import org.resistancecds.config.StartupTrace;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point: a HAPI FHIR R4 JPA server with the resistance CDS content and services. */
// HAPI brings Flyway for its own migrator; Boot must not run it against our schema.
@SpringBootApplication(exclude = FlywayAutoConfiguration.class)
@ConfigurationPropertiesScan
public class ResistanceCdsApplication {

    public static void main(String[] args) {
        // "validate" and "evaluate" are command-line tools in the same jar: they run without Spring or a web server.
        if (CommandLine.isCommand(args)) {
            CommandLine.main(args);
            return;
        }
        OutOfMemoryExit.install();
        SpringApplication application = new SpringApplication(ResistanceCdsApplication.class);
        StartupTrace.attachIfRequested(application);
        application.run(args);
    }
}
