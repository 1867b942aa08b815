package org.resistancecds.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.resistancecds.AbstractServerIT;

/**
 * Latency of {@code Observation/$validate} for a valid resistance variant over HTTP: first call (cold caches)
 * and warm percentiles, printed (a benchmark: it asserts correctness, not speed; the budget is a warm
 * median under 20 ms). Opt-in
 * ({@code -Dbench=true}): it runs for minutes and its figures mean little while other builds share the CPU.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ValidateLatencyIT extends AbstractServerIT {

    /** The JIT needs about this many validations before timings settle. */
    private static final int WARM_UP = 1000;
    private static final int MEASURED = 200;

    @Test
    void printsValidateLatencyOfAResistanceVariant() throws Exception {
        ContentFile variant = new ContentReader(fhirContext).read("examples/valid").stream()
                .filter(f -> f.location().endsWith("Observation-b2m-ctdna-ar-01.json"))
                .findFirst()
                .orElseThrow();
        String body = fhirContext.newJsonParser().encodeResourceToString(variant.resource());
        HttpRequest request = HttpRequest.newBuilder(URI.create(fhirBase() + "/Observation/$validate"))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();

        long first = timeOne(request);
        for (int i = 0; i < WARM_UP; i++) {
            timeOne(request);
        }
        long[] micros = new long[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            micros[i] = timeOne(request);
        }
        Arrays.sort(micros);
        double p50 = micros[MEASURED / 2] / 1000.0;
        double p95 = micros[MEASURED * 95 / 100] / 1000.0;
        System.out.printf("$validate resistance-variant: first call %.1f ms, warm p50 %.1f ms, p95 %.1f ms, max %.1f ms (n=%d)%n",
                first / 1000.0, p50, p95, micros[MEASURED - 1] / 1000.0, MEASURED);
    }

    private long timeOne(HttpRequest request) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long elapsed = (System.nanoTime() - start) / 1000;
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("\"severity\":\"error\"");
        return elapsed;
    }
}
