package org.resistancecds.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractTrustedEhrIT;

/**
 * A short soak in every build: 16 clients mixing validated writes, reads, searches, CDS calls and evaluations
 * for 20 seconds must see no error at all. The long soak with memory figures is {@code bench/soak.sh}.
 */
class SoakIT extends AbstractTrustedEhrIT {

    @Test
    void sixteenClientsOfMixedTrafficSeeNoError() throws Exception {
        SoakTraffic traffic = new SoakTraffic(baseUrl(), AbstractTrustedEhrIT::ehrAuthorization);

        traffic.run(16, Duration.ofSeconds(Long.getLong("soak.seconds", 20)));

        System.out.printf("Soak: %d calls, %d patients written, %d errors%n%s", traffic.calls(),
                traffic.patientsWritten(), traffic.errorCount(), traffic.report());
        assertThat(traffic.errors()).isEmpty();
        assertThat(traffic.patientsWritten()).isGreaterThan(1);
        assertThat(traffic.calls()).isGreaterThan(50);
    }
}
