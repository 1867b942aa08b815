package org.resistancecds.storage;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Turns off the compaction H2 runs for up to 200 ms each time a database closes, unless the operator has set it.
 *
 * <p>H2 2.3.232 (the version Spring Boot manages) can lose recently written data in that compaction (H2 issue
 * 4247; fixed in 2.4.240, but 2.5.252 lost acknowledged writes in our kill -9 test,
 * {@code PackagedJarLifecycleIT}, so the upgrade waits). The running server's own housekeeping and
 * {@code compact-h2} (a copy into a new file) are not this code path and still reclaim space.
 *
 * <p>A system property rather than the JDBC URL, so that a URL an operator supplies is covered too; H2 reads it
 * when a database opens, so it is set as Spring prepares the environment, before any bean exists (registered in
 * {@code META-INF/spring.factories}). {@code MAX_COMPACT_TIME} in the URL, or the property on the command line,
 * still wins.
 */
public final class H2CloseCompaction implements EnvironmentPostProcessor {

    static final String PROPERTY = "h2.maxCompactTime";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        disableUnlessConfigured();
    }

    static void disableUnlessConfigured() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "0");
        }
    }

    static String setting() {
        return System.getProperty(PROPERTY);
    }
}
