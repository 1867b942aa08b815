package org.resistancecds.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness at tiny sizes against the shared test server, so the harness cannot rot: every group but
 * start-up (which needs the jar started as its own process) runs, and each must yield figures. It asserts no
 * timings; the figures of a real run come from {@code bench/run.sh}.
 */
class BenchmarkHarnessSmokeIT extends AbstractBenchIT {

    @Test
    void everyGroupYieldsFiguresAndTheJsonIsWritten() throws Exception {
        Path json = Files.createTempFile("bench-smoke-", ".json");

        List<Figure> figures = BenchmarkHarness.smoke(baseUrl(), json);

        assertThat(figures).extracting(Figure::group).contains(BenchmarkHarness.GROUP_INGEST,
                BenchmarkHarness.GROUP_VALIDATE, BenchmarkHarness.GROUP_EVALUATE, BenchmarkHarness.GROUP_CDS,
                BenchmarkHarness.GROUP_GROWTH);
        assertThat(figures).allSatisfy(figure -> {
            assertThat(figure.samples()).isNotEmpty();
            assertThat(figure.median()).isPositive();
        });
        // One $validate figure per profile claimed by the examples.
        assertThat(figures).filteredOn(f -> f.group().equals(BenchmarkHarness.GROUP_VALIDATE)).hasSizeGreaterThan(5);
        assertThat(Files.readString(json)).contains("\"figures\"", "\"median\"");
    }

    /** What {@code bench/cds-wrk.sh} feeds wrk: one request per line and patient, each answered by both services. */
    @Test
    void theRequestsWrittenForWrkAreAnsweredByBothServices() throws Exception {
        Path dir = Files.createTempDirectory("cds-wrk-");

        CdsBenchmark.main(new String[] {baseUrl(), "--patients", "2", "--size", "40", "--write-requests", dir.toString()});

        for (String file : List.of("prefetch-sent.jsonl", "prefetch-fetched.jsonl")) {
            List<String> requests = Files.readAllLines(dir.resolve(file));
            assertThat(requests).as(file).hasSize(2);
            for (String request : requests) {
                for (String service : List.of("hello", "ici-resistance-patient-view")) {
                    assertThat(postJson("/cds-services/" + service, "application/json", request).statusCode())
                            .as(file + " on " + service).isEqualTo(200);
                }
            }
        }
        assertThat(Files.readString(dir.resolve("prefetch-sent.jsonl"))).contains("\"prefetch\"");
        assertThat(Files.readString(dir.resolve("prefetch-fetched.jsonl"))).doesNotContain("\"prefetch\"");
    }
}
