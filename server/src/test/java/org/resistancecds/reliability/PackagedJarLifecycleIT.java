package org.resistancecds.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.resistancecds.ServerProcess;

/**
 * The packaged jar on its shipped default database (H2 files under ./data of the working directory) through the
 * life an operator gives it: a first start as the README tells a new user, a stop (SIGTERM) seconds after
 * readiness while HAPI's start-up tasks still write, a restart, a kill -9 in the middle of writes, and a restart
 * after it that holds every acknowledged write and re-evaluates every patient the killed process had not. One working directory throughout: each jar start costs most of a minute on two cores.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagedJarLifecycleIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    /** As the README tells a new user to start it; the later starts use the default profile. */
    private static final List<String> DEV = List.of("--spring.profiles.active=dev");

    @TempDir
    static Path workDir;

    /** Written by the first start, read after the restart. */
    private static String patientId;

    /**
     * Up to readiness the log warns only that access control is off: a WARN line on a clean start sends an operator
     * looking for a fault, and the noise it had (Thymeleaf, Hibernate, Spring Data, HAPI's own code systems, 91 lines
     * of HAPI's terminology trace) hid the banners that matter. The stop then logs no error (H2's own exit hook once
     * closed the database under HAPI's background tasks: about 700 error lines).
     */
    @Test
    @Order(1)
    void cleanStartWarnsOnlyThatAccessControlIsOffAndAStopRightAfterLogsNoError() throws Exception {
        String startLog;
        Path log;
        try (ServerProcess server = ServerProcess.start(workDir, DEV)) {
            startLog = server.logText();
            Patient patient = new Patient().addName(new HumanName().setFamily("Stopped"));
            patientId = FHIR.newRestfulGenericClient(server.fhirBase()).create().resource(patient).execute()
                    .getId().getIdPart();
            assertTheBodyLimitFitsTheHeap(server);
            log = server.log();
        }

        List<String> warnings = startLog.lines()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .filter(line -> !line.contains("CdsSecurityConfig") && !line.contains("FhirSecurityConfig"))
                .toList();
        assertThat(warnings).as("WARN and ERROR lines up to readiness").isEmpty();
        assertThat(startLog.lines().filter(line -> line.contains("terminology_troubleshooting"))).isEmpty();
        assertThat(startLog)
                .contains("FHIR access control is OFF", "CDS Hooks client authentication is OFF", "Ready: ");

        assertThat(workDir.resolve("data")).as("the default database lives under ./data").isDirectory();
        List<String> errors = Files.readAllLines(log).stream().filter(line -> line.contains(" ERROR ")).toList();
        assertThat(errors.stream().limit(5)).as(errors.size() + " error lines at stop").isEmpty();
    }

    /**
     * Started with -Xmx512m, the server takes bodies up to 8 MB: a 30 MB transaction ran such a heap out (a 500), a
     * 15 MB one was stored. The body here is a Patient padded with spaces, so only its size can refuse it.
     */
    private static void assertTheBodyLimitFitsTheHeap(ServerProcess server) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int limit = 8 << 20;
        Function<Integer, HttpResponse<String>> post = size -> {
            byte[] body = new byte[size];
            Arrays.fill(body, (byte) ' ');
            byte[] patient = "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(patient, 0, body, size - patient.length, patient.length);
            try {
                return http.send(HttpRequest.newBuilder(URI.create(server.fhirBase() + "/Patient"))
                        .header("Content-Type", "application/fhir+json")
                        // Chunked: the server reads the whole body to count it, so the client is never cut off.
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        assertThat(post.apply(limit).statusCode()).isEqualTo(201);
        HttpResponse<String> over = post.apply(limit + 1);
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(over.body()).contains("(" + limit + " bytes; setting resistance.http.max-request-body)");
    }

    /** The H2 file is written through at every commit that changed something (see README, Durability). */
    @Test
    @Order(2)
    void restartKeepsTheDataAndAKillMidWriteLosesNoAcknowledgedTransaction() throws Exception {
        assumeTrue(patientId != null, "needs the first start's patient");
        KilledMidStream stream;
        try (ServerProcess restarted = ServerProcess.start(workDir, List.of())) {
            Patient patient = FHIR.newRestfulGenericClient(restarted.fhirBase()).read().resource(Patient.class)
                    .withId(patientId).execute();
            assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Stopped");
            stream = KilledMidStream.streamAndKill(restarted);
        }
        try (ServerProcess afterKill = ServerProcess.start(workDir, List.of())) {
            stream.assertNothingLostOrPartial(afterKill.fhirBase(), "H2");
            stream.assertEveryAcknowledgedPatientAssessed(afterKill.fhirBase(), Duration.ofMinutes(2));
            afterKill.logText().lines().filter(line -> line.contains("were not re-evaluated yet"))
                    .forEach(line -> System.out.println("restart after kill -9: " + line));
        }
    }
}
