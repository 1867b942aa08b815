package org.resistancecds.conformance;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Part of readiness: the server takes no traffic until its profiles, terminology and knowledge are stored. */
@Component("content")
public class ContentHealthIndicator implements HealthIndicator {

    private final ContentInstaller installer;

    public ContentHealthIndicator(ContentInstaller installer) {
        this.installer = installer;
    }

    @Override
    public Health health() {
        return installer.isInstalled()
                ? Health.up().build()
                : Health.outOfService().withDetail("reason", "conformance content not installed yet").build();
    }
}
