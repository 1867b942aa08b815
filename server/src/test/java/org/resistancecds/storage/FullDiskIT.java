package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resistancecds.StandaloneServer;

/**
 * When the H2 file cannot take a write (a full disk), the write is not acknowledged: the client gets a server
 * error, the server reports itself broken (liveness down, 503 to every FHIR request) so that it is restarted, and
 * after a restart the database holds what was acknowledged before and nothing of the refused write.
 */
class FullDiskIT {

    @TempDir
    Path dataDir;

    @AfterEach
    void diskFreed() {
        FullDiskFilePath.setFull(false);
    }

    @Test
    void aWriteTheFileCannotTakeIsNotAcknowledged() throws Exception {
        FullDiskFilePath.register();
        String file = dataDir.resolve("db").toString();
        IdType kept;
        try (StandaloneServer server = StandaloneServer.start(
                Map.of("spring.datasource.url", "jdbc:h2:fulldisk:" + file + ";DB_CLOSE_ON_EXIT=FALSE"))) {
            kept = (IdType) server.fhirClient().create().resource(patient("Kept")).execute().getId();

            FullDiskFilePath.setFull(true);
            BaseServerResponseException refused = catchThrowableOfType(
                    () -> server.fhirClient().create().resource(patient("Refused")).execute(),
                    BaseServerResponseException.class);
            assertThat(refused).as("the write while the disk is full").isNotNull();
            assertThat(refused.getStatusCode()).isGreaterThanOrEqualTo(500);
            assertThat(refused.getResponseBody()).contains("OperationOutcome").doesNotContain("MVStore");
            FullDiskFilePath.setFull(false);

            // Freeing the space does not bring the closed database back in this process: it asks for a restart.
            String liveness = server.fhirBase().replace("/fhir", "/actuator/health/liveness");
            assertThat(statusWithin(liveness, 503, Duration.ofSeconds(10))).isEqualTo(503);
            BaseServerResponseException read = catchThrowableOfType(
                    () -> server.fhirClient().read().resource(Patient.class).withId(kept).execute(),
                    BaseServerResponseException.class);
            assertThat(read.getStatusCode()).isEqualTo(503);
            assertThat(read.getResponseBody()).contains("OperationOutcome", "restart");
        }

        try (StandaloneServer restarted = StandaloneServer.start(
                Map.of("spring.datasource.url", "jdbc:h2:" + file + ";DB_CLOSE_ON_EXIT=FALSE"))) {
            Patient read = restarted.fhirClient().read().resource(Patient.class)
                    .withId(kept.toUnqualifiedVersionless()).execute();
            assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Kept");
            Bundle refused = restarted.fhirClient().search().forResource(Patient.class)
                    .where(Patient.FAMILY.matchesExactly().value("Refused")).returnBundle(Bundle.class).execute();
            assertThat(refused.getEntry()).isEmpty();
        }
    }

    private static int statusWithin(String url, int expected, Duration limit) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + limit.toNanos();
        int status;
        do {
            status = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status == expected) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return status;
    }

    private static Patient patient(String family) {
        Patient patient = new Patient();
        patient.addName().setFamily(family);
        return patient;
    }
}
