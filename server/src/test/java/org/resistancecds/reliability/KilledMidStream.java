package org.resistancecds.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.resistancecds.ServerProcess;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Four clients stream 5-resource transactions at a server process, which is killed with SIGKILL once 60 are
 * acknowledged; afterwards any server on the same database must hold every acknowledged transaction in full and
 * no transaction in part.
 */
public final class KilledMidStream {

    private static final Logger log = LoggerFactory.getLogger(KilledMidStream.class);
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String TX_SYSTEM = "urn:test:durability-tx";
    private static final int CLIENTS = 4;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 60;
    private static final int RESOURCES_PER_TRANSACTION = 5;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> attempted = ConcurrentHashMap.newKeySet();

    private KilledMidStream() {
    }

    /** Streams transactions at {@code server} and kills it while requests are in flight. */
    public static KilledMidStream streamAndKill(ServerProcess server) throws Exception {
        KilledMidStream stream = new KilledMidStream();
        stream.run(server);
        return stream;
    }

    /** Checks, through {@code fhirBase} (a restarted server or another node), that nothing was lost or half-stored. */
    public void assertNothingLostOrPartial(String fhirBase, String label) {
        IGenericClient client = client(fhirBase);
        int lost = 0;
        int partial = 0;
        for (String tx : attempted) {
            int stored = countStored(client, tx);
            if (acknowledged.contains(tx) && stored != RESOURCES_PER_TRANSACTION) {
                lost++;
            }
            if (stored != 0 && stored != RESOURCES_PER_TRANSACTION) {
                partial++;
            }
        }
        log.info("{}: {} transactions acknowledged before kill -9, {} attempted; afterwards {} lost, {} partial",
                label, acknowledged.size(), attempted.size(), lost, partial);
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
        assertThat(lost).as("acknowledged transactions missing after kill -9").isZero();
        assertThat(partial).as("transactions stored in part").isZero();
    }

    /**
     * Checks, through {@code fhirBase}, that every acknowledged transaction's patient gets its resistance status
     * assessment within {@code within}: the re-evaluations waiting in memory when the process died are found again
     * from their database rows by the next start.
     */
    public void assertEveryAcknowledgedPatientAssessed(String fhirBase, Duration within) throws InterruptedException {
        IGenericClient client = client(fhirBase);
        Set<String> unassessed = ConcurrentHashMap.newKeySet();
        for (String tx : acknowledged) {
            Bundle patients = client.search().forResource(Patient.class)
                    .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(TX_SYSTEM, tx))
                    .returnBundle(Bundle.class).execute();
            unassessed.add(patients.getEntryFirstRep().getResource().getIdElement().getIdPart());
        }
        int acknowledgedPatients = unassessed.size();
        Instant deadline = Instant.now().plus(within);
        while (!unassessed.isEmpty() && Instant.now().isBefore(deadline)) {
            unassessed.removeIf(patient -> hasStatusAssessment(client, patient));
            if (!unassessed.isEmpty()) {
                Thread.sleep(500);
            }
        }
        log.info("{} patients acknowledged before kill -9; {} without a status assessment after {}",
                acknowledgedPatients, unassessed.size(), within);
        assertThat(unassessed).as("acknowledged patients never re-evaluated").isEmpty();
    }

    private static boolean hasStatusAssessment(IGenericClient client, String patientId) {
        Bundle found = client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + patientId))
                .and(Observation.CODE.exactly().systemAndCode(
                        KnowledgeCodes.BIOMARKER_SYSTEM, KnowledgeCodes.STATUS_ASSESSMENT_CODE))
                .returnBundle(Bundle.class).execute();
        return !found.getEntry().isEmpty();
    }

    private void run(ServerProcess server) throws Exception {
        IGenericClient client = client(server.fhirBase());
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        for (int i = 0; i < CLIENTS; i++) {
            clients.submit(() -> {
                while (!killed.get() && Instant.now().isBefore(deadline)) {
                    String tx = UUID.randomUUID().toString();
                    attempted.add(tx);
                    try {
                        client.transaction().withBundle(transaction(tx)).execute();
                        if (!killed.get()) {
                            acknowledged.add(tx);
                        }
                    } catch (RuntimeException connectionLost) {
                        // expected once the server is killed
                    }
                }
            });
        }
        while (acknowledged.size() < ACKNOWLEDGED_BEFORE_KILL && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        // Kill while requests are in flight; an acknowledgement that raced the kill still counts.
        server.killHard();
        killed.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
    }

    private static Bundle transaction(String tx) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(TX_SYSTEM).setValue(tx);
        String patientUrl = "urn:uuid:" + UUID.randomUUID();
        bundle.addEntry().setFullUrl(patientUrl).setResource(patient)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        for (int i = 1; i < RESOURCES_PER_TRANSACTION; i++) {
            Observation tmb = new Observation().setStatus(Observation.ObservationStatus.FINAL);
            tmb.addIdentifier().setSystem(TX_SYSTEM).setValue(tx);
            tmb.getCode().addCoding().setSystem("http://loinc.org").setCode("94076-7");
            tmb.setSubject(new Reference(patientUrl));
            tmb.setValue(new Quantity().setValue(4 + i).setUnit("/1000000{Base}"));
            bundle.addEntry().setResource(tmb).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        return bundle;
    }

    private static int countStored(IGenericClient client, String tx) {
        Bundle patients = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(TX_SYSTEM, tx))
                .returnBundle(Bundle.class).execute();
        Bundle observations = client.search().forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(TX_SYSTEM, tx))
                .returnBundle(Bundle.class).execute();
        return patients.getEntry().size() + observations.getEntry().size();
    }

    private static IGenericClient client(String base) {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
        return FHIR.newRestfulGenericClient(base);
    }
}
