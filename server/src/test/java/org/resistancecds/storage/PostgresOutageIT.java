package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resistancecds.StandaloneServer;
import org.resistancecds.cds.PatientViewRequests;

/**
 * PostgreSQL goes away and comes back: meanwhile FHIR and CDS requests get 503 with an OperationOutcome and a Retry-After, not a
 * 500; afterwards the server serves again by itself, without a restart.
 */
class PostgresOutageIT {

    @TempDir
    Path dataDir;

    @Test
    void answers503WhileTheDatabaseIsDownAndRecoversWhenItIsBack() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedPostgres.Builder database =
                EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port);
        EmbeddedPostgres postgres = database.start();
        try (StandaloneServer server = StandaloneServer.start(
                Map.of(
                        "spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"),
                        "spring.datasource.username", "postgres",
                        "spring.datasource.password", "",
                        "spring.datasource.hikari.connection-timeout", "3000",
                        "resistance.cds.security.enabled", "false"),
                "postgres")) {
            IdType id = (IdType) server.fhirClient().create().resource(patient("Outage")).execute().getId();

            postgres.close();
            HttpResponse<String> down = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.fhirBase() + "/Patient/" + id.getIdPart())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("OperationOutcome", "cannot reach its database");
            assertThat(down.headers().firstValue("Retry-After")).hasValue("5");
            // A CDS call without prefetch needs the chart from the database: the same answer, not a 500.
            HttpResponse<String> cdsDown = patientView(server, id.getIdPart());
            assertThat(cdsDown.statusCode()).isEqualTo(503);
            assertThat(cdsDown.body()).contains("OperationOutcome", "cannot reach its database");
            assertThat(cdsDown.headers().firstValue("Retry-After")).hasValue("5");

            postgres = database.start();
            Patient read = readOnceTheDatabaseIsBack(server, id);
            assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Outage");
            assertThat(patientView(server, id.getIdPart()).statusCode()).isEqualTo(200);
        } finally {
            postgres.close();
        }
    }

    /**
     * The pool reconnects by itself, but its connection attempts back off while the database is away, so the first
     * requests after the restart may still get the 503 (as its Retry-After foresees): retried for up to 30 s.
     */
    private static Patient readOnceTheDatabaseIsBack(StandaloneServer server, IdType id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return server.fhirClient().read().resource(Patient.class).withId(id.toUnqualifiedVersionless()).execute();
            } catch (BaseServerResponseException e) {
                if (e.getStatusCode() != 503 || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    private static HttpResponse<String> patientView(StandaloneServer server, String patientId) throws Exception {
        String cdsServices = server.fhirBase().replace("/fhir", "/cds-services");
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cdsServices + "/ici-resistance-patient-view"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(PatientViewRequests.minimal(patientId)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Patient patient(String family) {
        Patient patient = new Patient();
        patient.addName().setFamily(family);
        return patient;
    }
}
