package org.resistancecds.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The fuzz targets: the first input byte picks the endpoint, the rest is the body. Whatever arrives, the server
 * must answer within 30 s with a success or a 4xx that carries an OperationOutcome: a 5xx, a bare 4xx or a hang
 * is a finding.
 */
final class HttpFuzzTargets {

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

    private HttpFuzzTargets() {}

    static void fhirWrite(HttpClient http, String base, byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        String[] target = FHIR_TARGETS[Byte.toUnsignedInt(input[0]) % FHIR_TARGETS.length];
        assertAnswered(http, HttpRequest.newBuilder(URI.create(base + target[0])).header("Content-Type", target[1]),
                Arrays.copyOfRange(input, 1, input.length));
    }

    static void cdsCall(HttpClient http, String base, byte[] input, UnaryOperator<String> authorization)
            throws Exception {
        if (input.length == 0) {
            return;
        }
        String url = base + CDS_TARGETS[Byte.toUnsignedInt(input[0]) % CDS_TARGETS.length];
        assertAnswered(http, HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("Authorization", authorization.apply(url)),
                Arrays.copyOfRange(input, 1, input.length));
    }

    private static void assertAnswered(HttpClient http, HttpRequest.Builder request, byte[] body) throws Exception {
        HttpResponse<String> response = http.send(
                request.timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        if (response.statusCode() >= 400) {
            assertThat(response.body()).contains("OperationOutcome");
        }
    }
}
