package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.RequestGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resistancecds.StandaloneServer;

/**
 * The default file H2 database keeps data across a restart; content and examples install idempotently; neither
 * start leaves failed statements in H2's trace file.
 */
class FileDatabaseRestartIT {

    @TempDir
    Path dataDir;

    @Test
    void dataSurvivesRestartAndContentIsNotDuplicated() {
        Map<String, Object> settings = Map.of(
                "spring.datasource.url", "jdbc:h2:retry:" + dataDir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE",
                "resistance.content.load-examples", "true");
        IdType patientId;
        String contentVersion;
        try (StandaloneServer first = StandaloneServer.start(settings)) {
            Patient patient = new Patient();
            patient.addName().setFamily("Durable");
            patientId = (IdType) first.fhirClient().create().resource(patient).execute().getId();
            contentVersion = first.fhirClient().read().resource(CodeSystem.class).withId("resistance-mechanism")
                    .execute().getMeta().getVersionId();
        }
        assertThat(Files.exists(dataDir.resolve("db.mv.db"))).isTrue();

        try (StandaloneServer second = StandaloneServer.start(settings)) {
            Patient read = second.fhirClient().read().resource(Patient.class)
                    .withId(patientId.toUnqualifiedVersionless()).execute();
            CodeSystem mechanisms = second.fhirClient().read().resource(CodeSystem.class)
                    .withId("resistance-mechanism").execute();

            assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Durable");
            // Examples refer to each other; they load as one transaction, twice without error.
            assertThat(second.fhirClient().read().resource(Patient.class).withId("nsclc-ar-01").execute()
                    .getIdElement().getVersionIdPart()).isEqualTo("1");
            assertThat(mechanisms.getMeta().getVersionId()).isEqualTo(contentVersion);
        }
        // H2 writes this file only when a statement fails: two starts and a stop must not have made one.
        Path trace = dataDir.resolve("db.trace.db");
        assertThat(trace).as(() -> "H2 trace file:\n" + firstLines(trace)).doesNotExist();
    }

    /**
     * Knowledge added through the API before a restart is applied after it: the engine started with the packaged
     * files and took the stored knowledge in only at the next knowledge change, while the knowledge page showed it.
     */
    @Test
    void knowledgeAddedThroughTheApiIsAppliedAfterARestart() throws Exception {
        Map<String, Object> settings = Map.of(
                "spring.datasource.url", "jdbc:h2:retry:" + dataDir.resolve("knowledge") + ";DB_CLOSE_ON_EXIT=FALSE",
                "resistance.content.load-examples", "true",
                "resistance.knowledge.refresh-interval", "1s");
        String url = "https://resistance-cds.org/fhir/PlanDefinition/restart-added";
        try (StandaloneServer first = StandaloneServer.start(settings)) {
            PlanDefinition added = first.fhirClient().read().resource(PlanDefinition.class)
                    .withId("resistance-monitoring").execute();
            added.setId("restart-added");
            added.setUrl(url);
            added.getMeta().setVersionId(null);
            first.fhirClient().update().resource(added).execute();
        }
        try (StandaloneServer second = StandaloneServer.start(settings)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    plansApplied(second)).contains(url, "https://resistance-cds.org/fhir/PlanDefinition/resistance-monitoring"));
        }
    }

    /** The PlanDefinitions $evaluate-resistance applies to the example patient (its RequestGroup's canonicals). */
    private static List<String> plansApplied(StandaloneServer server) {
        Bundle out = server.fhirClient().operation().onInstance(new IdType("Patient", "nsclc-ar-01"))
                .named("$evaluate-resistance").withNoParameters(Parameters.class).returnResourceType(Bundle.class)
                .execute();
        return out.getEntry().stream()
                .filter(entry -> entry.getResource() instanceof RequestGroup)
                .flatMap(entry -> ((RequestGroup) entry.getResource()).getInstantiatesCanonical().stream())
                .map(CanonicalType::getValue)
                .toList();
    }

    private static String firstLines(Path file) {
        try (var lines = Files.lines(file)) {
            return String.join("\n", lines.limit(150).toList());
        } catch (IOException e) {
            return e.toString();
        }
    }
}
