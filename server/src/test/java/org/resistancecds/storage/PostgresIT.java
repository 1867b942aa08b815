package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.resistancecds.StandaloneServer;
import org.resistancecds.cds.prefetch.RepositoryReader;
import org.resistancecds.cds.security.SharedTokenIdsScenarios;
import org.resistancecds.knowledge.TestKnowledge;
import org.resistancecds.monitoring.ReevaluationQueue;
import org.resistancecds.operations.PatientDataLoader;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code postgres} profile on a real PostgreSQL, started from the embedded Maven artifact. */
class PostgresIT {

    private static EmbeddedPostgres postgres;
    private static StandaloneServer server;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        server = StandaloneServer.start(
                Map.of(
                        "spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"),
                        "spring.datasource.username", "postgres",
                        "spring.datasource.password", ""),
                "postgres");
    }

    @AfterAll
    static void stop() throws Exception {
        // Spring first: HAPI's shutdown still talks to the database.
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void contentIsInstalled() {
        CodeSystem mechanisms = server.fhirClient().read().resource(CodeSystem.class)
                .withId("resistance-mechanism").execute();

        assertThat(mechanisms.getConcept()).hasSize(2);
    }

    @Test
    void createReadSearchAndAtomicTransactions() {
        IGenericClient client = server.fhirClient();
        String mrn = UUID.randomUUID().toString();
        Patient patient = new Patient();
        patient.addIdentifier(new Identifier().setSystem("urn:test:mrn").setValue(mrn));
        IdType id = (IdType) client.create().resource(patient).execute().getId();

        Bundle found = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:test:mrn", mrn))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);
        assertThat(client.read().resource(Patient.class).withId(id.toUnqualifiedVersionless()).execute()
                .getIdentifierFirstRep().getValue()).isEqualTo(mrn);

        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Observation good = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        good.getCode().addCoding().setSystem("http://loinc.org").setCode("94076-7");
        good.addIdentifier().setSystem("urn:test:obs").setValue(mrn);
        transaction.addEntry().setResource(good).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        transaction.addEntry().setResource(new Observation().setStatus(Observation.ObservationStatus.FINAL))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

        assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
                .isInstanceOf(UnprocessableEntityException.class);
        Bundle stored = client.search().forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier("urn:test:obs", mrn))
                .returnBundle(Bundle.class).execute();
        assertThat(stored.getEntry()).isEmpty();
    }

    /**
     * Knowledge writers take turns on PostgreSQL too (a transaction-scoped advisory lock): a delete of an
     * ActivityDefinition and a PlanDefinition suggesting it, at the same moment, cannot both be stored.
     */
    /** As RecordSnapshotIT on H2: REPEATABLE READ is PostgreSQL's snapshot. */
    @Test
    void aPatientsRecordIsReadAsOfOneMoment() {
        RecordReadsDuringWrites scenarios =
                new RecordReadsDuringWrites(server.fhirClient(), server.bean(IInterceptorService.class));
        scenarios.prefetchKeepsAnObservationDeletedDuringTheRead(server.bean(RepositoryReader.class));
        scenarios.engineRecordLeavesOutAnObservationStoredDuringTheRead(server.bean(PatientDataLoader.class));
    }

    /** As PatientRowLockIT on H2, where writers take the lock exclusively; here they share it. */
    @Test
    void anObservationWrittenWhileItsPatientIsDeletedIsRefused() throws Exception {
        ReevaluationQueue reevaluations = server.bean(ReevaluationQueue.class);
        new WriteDuringRecordDelete(server.fhirBase(), server.bean(FhirContext.class), server.fhirClient(),
                server.bean(IInterceptorService.class), () -> awaitIdle(reevaluations))
                .theWriteIsRefusedAndNothingIsLeftBesideTheDeletedPatient();
    }

    /** The server made the shared table of CDS token ids at start; a replay to another node is refused through it. */
    @Test
    void aCdsTokenOneNodeAcceptedIsRefusedByAnother() {
        DataSource database = server.bean(DataSource.class);
        assertThat(new JdbcTemplate(database).queryForObject("SELECT COUNT(*) FROM RCDS_CDS_TOKEN_ID", Integer.class))
                .isNotNull();
        SharedTokenIdsScenarios.aTokenOneNodeAcceptedIsRefusedByAnother(database);
    }

    @Test
    void twoKnowledgeWritersAtOnceCannotTogetherBreakTheKnowledge() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                TestKnowledge.deleteWhilePlanning(server.fhirClient(), pool, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** This server re-evaluates patients in the background (the shared test server of the H2 tests does not). */
    private static void awaitIdle(ReevaluationQueue reevaluations) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reevaluations.pending() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
