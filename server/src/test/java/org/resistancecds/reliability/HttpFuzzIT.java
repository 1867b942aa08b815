package org.resistancecds.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.resistancecds.AbstractTrustedEhrIT;

/**
 * Coverage-guided fuzzing of the HTTP endpoints with Jazzer. The first input byte picks the endpoint, the rest is
 * the body. Whatever arrives, the server answers within the timeout with a success or a 4xx that carries an
 * OperationOutcome: never a 5xx, never a hang. Every build replays the seeds and past findings in
 * {@code HttpFuzzITInputs/}; {@code -Pfuzz} fuzzes (see server/pom.xml).
 */
class HttpFuzzIT extends AbstractTrustedEhrIT {

    private static final String[][] FHIR_TARGETS = {
        {"/fhir/Patient", "application/fhir+json"},
        {"/fhir", "application/fhir+json"},
        {"/fhir/Observation/$validate", "application/fhir+json"},
        {"/fhir/Patient", "application/fhir+xml"},
        {"/fhir/Patient/$evaluate-resistance", "application/fhir+json"},
    };
    private static final String[] CDS_TARGETS = {
        "/cds-services/ici-resistance-patient-view",
        "/cds-services/ici-resistance-order-sign",
        "/cds-services/ici-resistance-patient-view/feedback",
    };

    @FuzzTest(maxDuration = "2m")
    void fhirWrites(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        String[] target = FHIR_TARGETS[Byte.toUnsignedInt(input[0]) % FHIR_TARGETS.length];
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + target[0]))
                .header("Content-Type", target[1]);

        assertAnswered(request, Arrays.copyOfRange(input, 1, input.length));
    }

    @FuzzTest(maxDuration = "2m")
    void cdsCalls(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        String url = baseUrl() + CDS_TARGETS[Byte.toUnsignedInt(input[0]) % CDS_TARGETS.length];
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Authorization", ehrAuthorization(url));

        assertAnswered(request, Arrays.copyOfRange(input, 1, input.length));
    }

    private void assertAnswered(HttpRequest.Builder request, byte[] body) throws Exception {
        HttpResponse<String> response = http.send(
                request.timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        if (response.statusCode() >= 400) {
            assertThat(response.body()).contains("OperationOutcome");
        }
    }
}
