package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resistancecds.ServerProcess;

/**
 * The packaged jar started as the README tells a new user (dev profile, empty ./data): up to readiness the log warns
 * only that access control is off. A WARN line on a clean start sends an operator looking for a fault; the noise it
 * had (Thymeleaf, Hibernate, Spring Data, HAPI's own code systems, 91 lines of HAPI's terminology trace) hid the
 * banners that matter.
 */
class CleanStartLogIT {

    @TempDir
    Path workDir;

    @Test
    void aCleanDevStartWarnsOnlyThatAccessControlIsOff() throws Exception {
        String log;
        try (ServerProcess server = ServerProcess.start(workDir, List.of("--spring.profiles.active=dev"))) {
            log = server.logText();
        }

        List<String> warnings = log.lines()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .filter(line -> !line.contains("CdsSecurityConfig") && !line.contains("FhirSecurityConfig"))
                .toList();
        assertThat(warnings).isEmpty();
        assertThat(log.lines().filter(line -> line.contains("terminology_troubleshooting"))).isEmpty();
        assertThat(log).contains("FHIR access control is OFF", "CDS Hooks client authentication is OFF", "Ready: ");
    }
}
