package org.resistancecds.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Observation;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import com.sun.net.httpserver.HttpServer;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Subscription;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.resistancecds.bulk.BulkJobs;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Re-evaluation after a write, over HTTP: the stored assessment follows the data within {@link #BOUND}, a change
 * gives exactly one Communication, an unchanged state writes nothing, and concurrent writes or concurrent runs
 * write a change once.
 */
class ReevaluationIT extends AbstractMonitoringIT {

    /** The stated bound of eventual consistency on this test server (idle; CI machines are slow). */
    static final Duration BOUND = Duration.ofSeconds(30);

    @Autowired
    private PatientReevaluator reevaluator;

    @Autowired
    private PendingReevaluations pending;

    @Autowired
    private ReevaluationQueue queue;

    @Autowired
    private DaoRegistry daoRegistry;

    @Autowired
    private JpaStorageSettings storageSettings;

    private static String newPatient() {
        return "mon-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String storedStatus(IGenericClient client, String patient) {
        try {
            Observation status = client.read().resource(Observation.class).withId("resistance-status-" + patient).execute();
            return status.getValueCodeableConcept().getCodingFirstRep().getCode();
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return null;
        }
    }

    private List<Communication> communications(IGenericClient client, String patient) {
        Bundle found = client.search().forResource(Communication.class)
                .where(Communication.SUBJECT.hasId("Patient/" + patient))
                .returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (Communication) e.getResource()).toList();
    }

    private List<Observation> mechanisms(IGenericClient client, String patient) {
        Bundle found = client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + patient))
                .and(Observation.CODE.exactly().systemAndCode(KnowledgeCodes.BIOMARKER_SYSTEM, KnowledgeCodes.MECHANISM_ASSESSMENT_CODE))
                .returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (Observation) e.getResource()).toList();
    }

    /** A new patient responding to PD-1 blockade, its status stored and the re-evaluation queue quiet. */
    private String respondingPatient(IGenericClient client) throws Exception {
        String patient = newPatient();
        client.transaction().withBundle(MonitoringData.respondingCourse(patient)).execute();
        awaitStatus(client, patient, "responding");
        awaitQuiet(BOUND);
        return patient;
    }

    /** Acquired resistance with a B2M variant in ctDNA, waited for until its mechanism assessment is stored. */
    private void storeProgressionWithAB2mVariant(IGenericClient client, String patient) throws InterruptedException {
        client.transaction().withBundle(MonitoringData.respondingCourse(patient)).execute();
        client.transaction().withBundle(MonitoringData.confirmedProgression(patient)).execute();
        client.transaction().withBundle(MonitoringData.transaction(b2mVariant(patient))).execute();
        awaitUntil(BOUND, "antigen-presentation mechanism stored", () -> mechanisms(client, patient).stream()
                .anyMatch(m -> m.getStatus() == Observation.ObservationStatus.FINAL));
    }

    private static Observation b2mVariant(String patient) {
        return MonitoringData.ctdna(patient, patient + "-b2m", "2024-04-20", "HGNC:914", "B2M", "p.Gln12Ter", 4.0);
    }

    /** Runs the tasks at the same time, one thread each, and answers their results in order. */
    private static <T> List<T> atOnce(List<Callable<T>> tasks) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> done : threads.invokeAll(tasks)) {
                results.add(done.get());
            }
            return results;
        } finally {
            threads.shutdown();
        }
    }

    private void awaitStatus(IGenericClient client, String patient, String status) throws InterruptedException {
        awaitUntil(BOUND, "Patient/" + patient + " assessed as " + status, () -> status.equals(storedStatus(client, patient)));
    }

    @Test
    void aWriteIsFollowedByTheNewAssessmentAndOneCommunication() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        client.transaction().withBundle(MonitoringData.respondingCourse(patient)).execute();
        awaitStatus(client, patient, "responding");

        client.transaction().withBundle(MonitoringData.confirmedProgression(patient)).execute();
        awaitStatus(client, patient, "acquired-resistance");
        awaitQuiet(BOUND);

        Observation status = client.read().resource(Observation.class).withId("resistance-status-" + patient).execute();
        assertThat(status.getMeta().getVersionId()).isEqualTo("2");
        // The superseded assessment stays in the history.
        Observation first = client.read().resource(Observation.class)
                .withIdAndVersion("resistance-status-" + patient, "1").execute();
        assertThat(first.getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("responding");

        List<Communication> messages = communications(client, patient);
        assertThat(messages).hasSize(2);
        Communication change = messages.stream()
                .filter(c -> c.getReasonCodeFirstRep().getCodingFirstRep().getCode().equals("acquired-resistance"))
                .findFirst().orElseThrow();
        assertThat(change.getPriority()).isEqualTo(Communication.CommunicationPriority.URGENT);
        assertThat(change.getAboutFirstRep().getReference()).isEqualTo("Observation/resistance-status-" + patient);
        assertThat(change.getPayloadFirstRep().getContentStringType().getValue())
                .contains("Before: responding", "Now: acquired-resistance", "2024-04-05");

        // A write that changes nothing in the assessment stores nothing new.
        client.transaction().withBundle(MonitoringData.transaction(
                MonitoringData.response(patient, patient + "-r0", "2023-02-15", "SD"))).execute();
        awaitQuiet(BOUND);
        assertThat(communications(client, patient)).hasSize(2);
        assertThat(client.read().resource(Observation.class).withId("resistance-status-" + patient)
                .execute().getMeta().getVersionId())
                .isEqualTo("2");
    }

    /**
     * The assessments are the server's: a client's PUT of one, alone or in a transaction, or a change of its tags is
     * refused with 405; a client's DELETE stands only until the re-evaluation it queues stores the same verdict again, with no message.
     */
    @Test
    void theAssessmentsAreTheServersToWriteAndADeletedOneIsStoredAgain() throws Exception {
        IGenericClient client = fhirClient();
        String patient = respondingPatient(client);
        String statusId = "resistance-status-" + patient;
        Observation forged = client.read().resource(Observation.class).withId(statusId).execute();
        forged.getValueCodeableConcept().getCodingFirstRep().setCode("acquired-resistance");
        forged.setId(statusId);

        HttpResponse<String> put = putJson("/fhir/Observation/" + statusId,
                fhirContext.newJsonParser().encodeResourceToString(forged));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(405);
        assertThat(put.body()).contains("derives and maintains");
        assertThatThrownBy(() -> client.transaction().withBundle(MonitoringData.transaction(forged)).execute())
                .isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(405));
        assertThat(storedStatus(client, patient)).isEqualTo("responding");
        for (String operation : List.of("$meta-add", "$meta-delete")) {
            HttpResponse<String> meta = postJson("/fhir/Observation/" + statusId + "/" + operation,
                    "application/fhir+json", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\","
                            + "\"valueMeta\":{\"tag\":[{\"system\":\"urn:forged\",\"code\":\"reviewed\"}]}}]}");
            assertThat(meta.statusCode()).as(operation + " " + meta.body()).isEqualTo(405);
        }
        assertThat(client.read().resource(Observation.class).withId(statusId).execute().getMeta().getTag())
                .noneMatch(tag -> "urn:forged".equals(tag.getSystem()));

        double restoredBefore = metric("resistance.reevaluation.runs?tag=result:restored", "COUNT");
        client.delete().resourceById("Observation", statusId).execute();
        awaitStatus(client, patient, "responding");
        awaitQuiet(BOUND);
        // Version 1 stored, 2 the delete, 3 stored again; the care team was told of the first assessment only.
        assertThat(client.read().resource(Observation.class).withId(statusId).execute().getMeta().getVersionId())
                .isEqualTo("3");
        assertThat(communications(client, patient)).hasSize(1);
        assertThat(metric("resistance.reevaluation.runs?tag=result:restored", "COUNT") - restoredBefore).isEqualTo(1);
    }

    /**
     * A client's own mechanism assessment (another id) is left alone, and a mechanism of ours a client deleted is
     * stored again without telling the care team of a change that did not happen.
     */
    @Test
    void aDeletedMechanismIsStoredAgainQuietlyAndAClientsOwnAssessmentIsLeftAlone() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        storeProgressionWithAB2mVariant(client, patient);
        awaitQuiet(BOUND);
        Observation own = MonitoringData.response(patient, patient + "-own-mechanism", "2024-05-01", "PD");
        own.getCode().getCodingFirstRep().setSystem(KnowledgeCodes.BIOMARKER_SYSTEM)
                .setCode(KnowledgeCodes.MECHANISM_ASSESSMENT_CODE);
        own.setValue(new org.hl7.fhir.r4.model.StringType("a pathologist's note, not a coded mechanism"));
        own.getMeta().getProfile().clear();
        client.update().resource(own).execute();
        int messages = communications(client, patient).size();
        String mechanism = mechanisms(client, patient).stream()
                .filter(m -> m.getIdElement().getIdPart().startsWith(KnowledgeCodes.MECHANISM_ID_PREFIX))
                .findFirst().orElseThrow().getIdElement().getIdPart();

        client.delete().resourceById("Observation", mechanism).execute();
        awaitUntil(BOUND, "mechanism stored again", () -> {
            try {
                return client.read().resource(Observation.class).withId(mechanism).execute() != null;
            } catch (ResourceGoneException e) {
                return false;
            }
        });
        awaitQuiet(BOUND);

        assertThat(communications(client, patient)).hasSize(messages);
        Observation ownNow = client.read().resource(Observation.class).withId(patient + "-own-mechanism").execute();
        assertThat(ownNow.getMeta().getVersionId()).isEqualTo("1");
        assertThat(ownNow.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
    }

    /**
     * persist=true records through the same code as the background run, which starts as soon as the data commit: calls
     * racing it and each other all answer 200 (a run that lost the race reads again), and the change is told once.
     */
    @Test
    void persistCallsRacingTheBackgroundRunAllSucceedAndTellTheChangeOnce() throws Exception {
        IGenericClient client = fhirClient();
        String patient = respondingPatient(client);

        client.transaction().withBundle(MonitoringData.confirmedProgression(patient)).execute();
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(() -> postJson("/fhir/Patient/" + patient + "/$evaluate-resistance", "application/fhir+json",
                    "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"persist\",\"valueBoolean\":true}]}")
                    .statusCode());
        }
        List<Integer> statuses = atOnce(calls);
        awaitQuiet(BOUND);

        assertThat(statuses).containsOnly(200);
        assertThat(storedStatus(client, patient)).isEqualTo("acquired-resistance");
        assertThat(communications(client, patient)).hasSize(2);
    }

    /**
     * A run that read the record before the record's delete can store assessments after it (an audit saw it 4 times
     * in 4 with the delete-record transaction sent right after a load): the run the delete queues finds the patient
     * gone and deletes them, and their Communications.
     */
    @Test
    void assessmentsLeftAboutADeletedPatientAreDeletedByTheRunItsDeleteQueues() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        storeProgressionWithAB2mVariant(client, patient);
        awaitQuiet(BOUND);
        assertThat(communications(client, patient)).isNotEmpty();

        // What the race leaves, made on purpose: the Patient gone while its assessments stand. Referential integrity
        // refuses that delete to a client, so it is off for this one request.
        storageSettings.setEnforceReferentialIntegrityOnDelete(false);
        try {
            client.delete().resourceById("Patient", patient).execute();
        } finally {
            storageSettings.setEnforceReferentialIntegrityOnDelete(true);
        }

        awaitUntil(BOUND, "the deleted patient's assessments and Communications deleted",
                () -> storedStatus(client, patient) == null && mechanisms(client, patient).isEmpty()
                        && communications(client, patient).isEmpty());
    }

    @Test
    void aWriteIsPendingInTheDatabaseUntilItsReevaluationHasRun() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();

        client.transaction().withBundle(MonitoringData.respondingCourse(patient)).execute();

        awaitStatus(client, patient, "responding");
        awaitQuiet(BOUND);
        assertThat(pending.rowsOf(patient)).as("pending rows once evaluated").isEmpty();
    }

    @Test
    void patientsAnEarlierRunLeftPendingAreAssessedWhenTheServerIsReady() throws Exception {
        // As a process that died after the commit and before its re-evaluation leaves them: data stored (through
        // the storage layer, which queues nothing) and a pending row.
        String patient = newPatient();
        @SuppressWarnings("unchecked")
        IFhirSystemDao<Bundle, ?> system = (IFhirSystemDao<Bundle, ?>) daoRegistry.getSystemDao();
        system.transaction(new SystemRequestDetails(), MonitoringData.respondingCourse(patient));
        pending.add(List.of(patient));
        awaitQuiet(BOUND);
        assertThat(storedStatus(fhirClient(), patient)).as("not assessed before the recovery").isNull();

        queue.queueLeftOver();

        awaitStatus(fhirClient(), patient, "responding");
        awaitQuiet(BOUND);
        assertThat(pending.rowsOf(patient)).isEmpty();
    }

    @Test
    void patientsAnotherNodeLeftPendingAreAssessedByTheSweep() throws Exception {
        // As a node that died on a shared database leaves them, while this node keeps running.
        String patient = newPatient();
        @SuppressWarnings("unchecked")
        IFhirSystemDao<Bundle, ?> system = (IFhirSystemDao<Bundle, ?>) daoRegistry.getSystemDao();
        system.transaction(new SystemRequestDetails(), MonitoringData.respondingCourse(patient));
        pending.add(List.of(patient));

        queue.sweep();
        awaitQuiet(BOUND);
        assertThat(storedStatus(fhirClient(), patient)).as("a row younger than one sweep interval is left alone")
                .isNull();
        queue.sweep();

        awaitStatus(fhirClient(), patient, "responding");
        awaitQuiet(BOUND);
        assertThat(pending.rowsOf(patient)).isEmpty();
    }

    @Test
    void aNewMechanismIsAddedAndAWithdrawnOneIsCancelledWithItsHistory() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        storeProgressionWithAB2mVariant(client, patient);

        // The lab corrects the result: entered in error. The mechanism is withdrawn, not deleted.
        Observation corrected = b2mVariant(patient);
        corrected.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
        client.update().resource(corrected).execute();
        awaitUntil(BOUND, "mechanism withdrawn", () -> mechanisms(client, patient).stream()
                .allMatch(m -> m.getStatus() == Observation.ObservationStatus.CANCELLED));
        awaitQuiet(BOUND);
        Observation withdrawn = mechanisms(client, patient).get(0);
        assertThat(withdrawn.getMeta().getVersionId()).isEqualTo("2");
        assertThat(withdrawn.getNote()).anySatisfy(n -> assertThat(n.getText()).contains("no longer support"));
        assertThat(communications(client, patient)).extracting(c -> c.getPayloadFirstRep().getContentStringType().getValue())
                .anySatisfy(text -> assertThat(text).contains("antigen-presentation-defect (probable)", "Now: acquired-resistance; mechanisms: none"));
    }

    /** The assessment cites the result in derivedFrom; that must not block deleting it (it gave 409). */
    @Test
    void anInputTheAssessmentCitesCanBeDeletedAndTheMechanismIsWithdrawn() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        storeProgressionWithAB2mVariant(client, patient);

        assertThat(mechanisms(client, patient).get(0).getDerivedFrom())
                .extracting(Reference::getReference).contains("Observation/" + patient + "-b2m");

        client.delete().resourceById("Observation", patient + "-b2m").execute();

        awaitUntil(BOUND, "mechanism withdrawn", () -> mechanisms(client, patient).stream()
                .allMatch(m -> m.getStatus() == Observation.ObservationStatus.CANCELLED));
        // The withdrawn assessment no longer cites what was deleted (following it gave 410).
        assertThat(mechanisms(client, patient).get(0).getDerivedFrom())
                .extracting(Reference::getReference).doesNotContain("Observation/" + patient + "-b2m");
    }

    /** A corrected subject moves the result: the chart it left is assessed again too (it kept citing the result). */
    @Test
    void aResultMovedToAnotherChartIsReassessedOnBoth() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        String other = newPatient();
        storeProgressionWithAB2mVariant(client, patient);
        client.transaction().withBundle(MonitoringData.respondingCourse(other)).execute();
        awaitStatus(client, other, "responding");

        Observation moved = b2mVariant(patient);
        moved.setSubject(new Reference("Patient/" + other));
        client.update().resource(moved).execute();

        awaitUntil(BOUND, "mechanism withdrawn on the chart the result left", () -> mechanisms(client, patient).stream()
                .allMatch(m -> m.getStatus() == Observation.ObservationStatus.CANCELLED));
        assertThat(mechanisms(client, patient).get(0).getDerivedFrom()).extracting(Reference::getReference)
                .as("now another patient's result").doesNotContain("Observation/" + patient + "-b2m");
    }

    /**
     * A result added or deleted that leaves the verdict as it was: the assessment cites what the record now holds
     * (it had cited a deleted result, or missed the new one), and the care team gets no message, since nothing
     * changed for them.
     */
    @Test
    void aResultThatLeavesTheVerdictAsItWasIsCitedOrDroppedWithoutAMessage() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        storeProgressionWithAB2mVariant(client, patient);
        awaitQuiet(BOUND);
        int messages = communications(client, patient).size();
        String first = "Observation/" + patient + "-b2m";
        String second = "Observation/" + patient + "-b2m-second";

        client.update().resource(MonitoringData.ctdna(patient, patient + "-b2m-second", "2024-04-22", "HGNC:914", "B2M",
                "p.Gln20Ter", 3.0)).execute();
        awaitUntil(BOUND, "second result cited", () -> cites(mechanisms(client, patient).get(0), second));
        assertThat(cites(mechanisms(client, patient).get(0), first)).isTrue();

        client.delete().resourceById("Observation", patient + "-b2m").execute();
        awaitUntil(BOUND, "deleted result no longer cited", () -> !cites(mechanisms(client, patient).get(0), first));
        awaitQuiet(BOUND);

        Observation mechanism = mechanisms(client, patient).get(0);
        assertThat(mechanism.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
        assertThat(mechanism.getDerivedFrom()).extracting(Reference::getReference).containsExactly(second);
        assertThat(communications(client, patient)).hasSize(messages);
    }

    private static boolean cites(Observation assessment, String reference) {
        return assessment.getDerivedFrom().stream().anyMatch(cited -> reference.equals(cited.getReference()));
    }

    /** The engine reads the Medication a statement names: recoding the drug changes the patient's exposure. */
    @Test
    void aRecodedMedicationReassessesThePatientsWhoseStatementsNameIt() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        Medication drug = new Medication();
        drug.setId(patient + "-drug");
        drug.setCode(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "1547545", "pembrolizumab")));
        MedicationStatement statement = MonitoringData.pembrolizumab(patient, patient + "-ms", "2023-01-10");
        statement.setMedication(new Reference("Medication/" + drug.getIdPart()));
        client.transaction().withBundle(MonitoringData.transaction(MonitoringData.patient(patient), drug, statement,
                MonitoringData.response(patient, patient + "-r1", "2023-04-01", "PR"),
                MonitoringData.response(patient, patient + "-r2", "2023-07-01", "PR"))).execute();
        awaitStatus(client, patient, "responding");

        drug.setCode(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "40048", "carboplatin")));
        client.update().resource(drug).execute();

        awaitStatus(client, patient, "not-exposed");
    }

    /**
     * The care team's system subscribes to the alerts instead of polling: a rest-hook Subscription is activated and
     * the Communication a re-evaluation stores is sent to its endpoint.
     */
    @Test
    void aRestHookSubscriptionReceivesTheCommunicationOfAChange() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/alerts", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        endpoint.start();
        Subscription subscription = new Subscription();
        subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
        subscription.setReason("Resistance alerts");
        subscription.setCriteria("Communication?category=alert&subject=Patient/" + patient);
        subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK)
                .setEndpoint("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/alerts")
                .setPayload("application/fhir+json");
        IIdType id = client.create().resource(subscription).execute().getId().toUnqualifiedVersionless();
        try {
            awaitUntil(BOUND, "subscription active", () -> client.read().resource(Subscription.class).withId(id)
                    .execute().getStatus() == Subscription.SubscriptionStatus.ACTIVE);

            client.transaction().withBundle(MonitoringData.respondingCourse(patient)).execute();

            awaitUntil(BOUND, "the alert delivered", () -> !received.isEmpty());
            assertThat(received).singleElement().satisfies(delivery -> assertThat(delivery)
                    .startsWith("PUT /alerts/Communication/")
                    .contains("\"resourceType\":\"Communication\"", "Patient/" + patient, "Now: responding"));
        } finally {
            client.delete().resourceById(id).execute();
            endpoint.stop(0);
        }
    }

    @Test
    void aSubscriptionThisServerCannotDeliverIsRefused() {
        Subscription websocket = new Subscription();
        websocket.setStatus(Subscription.SubscriptionStatus.REQUESTED);
        websocket.setReason("alerts");
        websocket.setCriteria("Communication?category=alert");
        websocket.getChannel().setType(Subscription.SubscriptionChannelType.WEBSOCKET);

        assertThatThrownBy(() -> fhirClient().create().resource(websocket).execute())
                .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("rest-hook subscriptions only");
    }

    /**
     * $import stores through HAPI's Batch2 job, not REST: its patients are queued once each when the job has ended,
     * here though their data came in three files (chunks committed apart); a REST write is still queued once.
     */
    @Test
    void anNdjsonImportIsFollowedByTheAssessmentOnce() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        Map<String, String> ndjsonByType = new LinkedHashMap<>();
        IParser json = fhirContext.newJsonParser();
        for (Bundle course : List.of(MonitoringData.respondingCourse(patient), MonitoringData.confirmedProgression(patient))) {
            course.getEntry().forEach(entry -> ndjsonByType.merge(entry.getResource().fhirType(),
                    json.encodeResourceToString(entry.getResource()) + "\n", String::concat));
        }
        awaitQuiet(BOUND);
        double requestsBefore = reevaluationRequests();

        HttpResponse<String> done = BulkJobs.importNdjson(http, fhirBase(), ndjsonByType);

        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        awaitStatus(client, patient, "acquired-resistance");
        awaitQuiet(BOUND);
        assertThat(reevaluationRequests() - requestsBefore).as("queued once, not per resource (5)").isEqualTo(1);
        assertThat(communications(client, patient)).singleElement().satisfies(c ->
                assertThat(c.getPayloadFirstRep().getContentStringType().getValue()).contains("Now: acquired-resistance"));

        client.update().resource(MonitoringData.response(patient, patient + "-r5", "2024-06-01", "PD")).execute();
        awaitQuiet(BOUND);
        assertThat(reevaluationRequests() - requestsBefore).as("a REST write is queued once").isEqualTo(2);
    }

    private double reevaluationRequests() throws Exception {
        return metric("resistance.reevaluation.requests", "COUNT");
    }

    @Test
    void concurrentWritesForOnePatientGiveOneCommunicationPerChange() throws Exception {
        IGenericClient client = fhirClient();
        String patient = newPatient();
        client.transaction().withBundle(MonitoringData.respondingCourse(patient)).execute();
        client.transaction().withBundle(MonitoringData.confirmedProgression(patient)).execute();
        awaitStatus(client, patient, "acquired-resistance");
        awaitQuiet(BOUND);
        int before = communications(client, patient).size();

        // Eight clients each report a different truncating B2M change at once: any of them alone makes the same
        // new state (antigen presentation, probable), so exactly one more Communication is right.
        List<Callable<Object>> writes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String id = patient + "-b2m-" + i;
            String change = "p.Gln" + (10 + i) + "Ter";
            writes.add(() -> fhirClient().update().resource(
                    MonitoringData.ctdna(patient, id, "2024-04-20", "HGNC:914", "B2M", change, 3.0)).execute());
        }
        atOnce(writes);
        awaitUntil(BOUND, "mechanism stored", () -> !mechanisms(client, patient).isEmpty());
        awaitQuiet(BOUND);

        assertThat(communications(client, patient)).hasSize(before + 1);
        // Runs that found the same state only brought the citations up to date: all eight results, once each.
        assertThat(mechanisms(client, patient)).singleElement().satisfies(m -> assertThat(m.getDerivedFrom())
                .extracting(Reference::getReference)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 8).mapToObj(i -> "Observation/" + patient + "-b2m-" + i)
                        .toList()));
    }

    @Test
    void concurrentRunsOnOneChangeWriteItOnce() throws Exception {
        IGenericClient client = fhirClient();
        String patient = respondingPatient(client);
        // As if several nodes (or a redelivery) evaluated the same new data at the same time.
        client.transaction().withBundle(MonitoringData.confirmedProgression(patient)).execute();
        List<Callable<Object>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(() -> {
                try {
                    return reevaluator.reevaluate(patient);
                } catch (RuntimeException conflict) {
                    // A run that lost the race fails on If-Match or the conditional create; the winner wrote.
                    return conflict;
                }
            });
        }
        List<Object> outcomes = atOnce(runs);
        awaitQuiet(BOUND);

        assertThat(storedStatus(client, patient)).isEqualTo("acquired-resistance");
        assertThat(communications(client, patient)).as("outcomes %s", outcomes).hasSize(2);
        assertThat(client.read().resource(Observation.class).withId("resistance-status-" + patient)
                .execute().getMeta().getVersionId())
                .isEqualTo("2");
    }
}
