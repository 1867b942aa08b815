package org.resistancecds;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.springframework.test.context.TestPropertySource;

/**
 * The real server as the {@code dev} profile runs it for local use: CDS client authentication off, so a browser
 * page or a curl script can call the CDS services directly. Subclasses share one Spring context.
 */
@TestPropertySource(properties = {
    "resistance.cds.security.enabled=false",
    // Bulk export jobs advance one step per maintenance pass; tests need not wait the production interval.
    "resistance.bulk.maintenance-interval=1s"
})
public abstract class AbstractOpenServerIT extends AbstractServerIT {

    protected static final Path SCENARIOS = Path.of("../examples/scenarios");

    /** Stores one golden scenario (a transaction of PUTs, so storing it again changes nothing). */
    protected void storeScenario(String name) throws Exception {
        String bundle = Files.readString(SCENARIOS.resolve(name + ".bundle.json"));
        HttpResponse<String> stored = postJson("/fhir", "application/fhir+json", bundle);
        assertThat(stored.statusCode()).as(name + ": " + stored.body()).isEqualTo(200);
    }

    /** Stores the named golden scenarios: a small cohort of patients with their records. */
    protected void storeScenarios(List<String> names) throws Exception {
        for (String name : names) {
            storeScenario(name);
        }
    }
}
