package org.resistancecds.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.resistancecds.AbstractServerIT;
import org.resistancecds.ResistanceCdsApplication;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A server of its own (own in-memory database) with background re-evaluation on: the shared server of
 * {@link AbstractServerIT} has it off because its tests check exactly what they stored.
 */
@SpringBootTest(
        classes = ResistanceCdsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:resistance-monitoring-it;DB_CLOSE_DELAY=-1",
            "spring.datasource.hikari.maximum-pool-size=10",
            "resistance.monitoring.reevaluate=true",
            // As in AbstractServerIT: access control is FhirSecurityIT's subject.
            "resistance.security.enabled=false",
            "resistance.audit.file=target/it-audit/audit.jsonl",
            // $import runs as a Batch2 job advancing one step per maintenance pass; tests need not wait 5 s a step.
            "resistance.bulk.maintenance-interval=1s"
        })
public abstract class AbstractMonitoringIT extends AbstractServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Patients waiting for or in re-evaluation, read from the actuator metrics endpoint. */
    protected double pendingReevaluations() throws Exception {
        return metric("resistance.reevaluation.pending", "VALUE");
    }

    protected double metric(String name, String statistic) throws Exception {
        HttpResponse<String> response = get("/actuator/metrics/" + name);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(name + ": HTTP " + response.statusCode() + " " + response.body());
        }
        for (JsonNode measurement : JSON.readTree(response.body()).get("measurements")) {
            if (statistic.equals(measurement.get("statistic").asText())) {
                return measurement.get("value").asDouble();
            }
        }
        throw new IllegalStateException(name + " has no " + statistic);
    }

    /** Polls until the condition holds; fails with the message when the deadline passes. */
    protected static Duration awaitUntil(Duration deadline, String what, BooleanSupplier condition) throws InterruptedException {
        Instant start = Instant.now();
        Instant end = start.plus(deadline);
        while (Instant.now().isBefore(end)) {
            if (condition.getAsBoolean()) {
                return Duration.between(start, Instant.now());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Not within " + deadline + ": " + what);
    }

    protected void awaitQuiet(Duration deadline) throws InterruptedException {
        awaitUntil(deadline, "re-evaluation queue empty", () -> {
            try {
                return pendingReevaluations() == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
