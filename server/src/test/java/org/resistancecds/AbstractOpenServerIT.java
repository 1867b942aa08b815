package org.resistancecds;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.test.context.TestPropertySource;

/**
 * The real server as the {@code dev} profile runs it for local use: CDS client authentication off, so a browser
 * page or a curl script can call the CDS services directly. Subclasses share one Spring context.
 */
@TestPropertySource(properties = "resistance.cds.security.enabled=false")
public abstract class AbstractOpenServerIT extends AbstractServerIT {

    protected static final Path SCENARIOS = Path.of("../examples/scenarios");

    /** Stores one golden scenario (a transaction of PUTs, so storing it again changes nothing). */
    protected void storeScenario(String name) throws Exception {
        String bundle = Files.readString(SCENARIOS.resolve(name + ".bundle.json"));
        HttpResponse<String> stored = postJson("/fhir", "application/fhir+json", bundle);
        assertThat(stored.statusCode()).as(name + ": " + stored.body()).isEqualTo(200);
    }

    /** Stores every golden scenario: a small cohort of patients with their records. Returns their names. */
    protected List<String> storeAllScenarios() throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".bundle.json"))
                    .sorted()
                    .forEach(n -> names.add(n.substring(0, n.length() - ".bundle.json".length())));
        }
        for (String name : names) {
            storeScenario(name);
        }
        return names;
    }
}
