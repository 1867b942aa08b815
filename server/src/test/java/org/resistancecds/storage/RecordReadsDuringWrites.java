package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.cds.prefetch.RepositoryReader;
import org.resistancecds.operations.PatientDataLoader;

/**
 * Checks, on whichever database the server runs, that a patient's record is read as of one moment: a write committed
 * by another client after the first of the record's reads shows in none of the later ones. The write is made to land
 * there: a hook on the first read, on the reading thread, sends it over REST and waits for its answer.
 */
record RecordReadsDuringWrites(IGenericClient client, IInterceptorService storageInterceptors) {

    // The test's own Observations: a server that re-evaluates stores assessment Observations for the patient too.
    private static final String LOINC = "http://loinc.org";
    private static final String CODE = "94076-7";

    /** The CDS prefetch read from the repository still finds an Observation deleted while it read. */
    void prefetchKeepsAnObservationDeletedDuringTheRead(RepositoryReader reader) {
        String patient = client.create().resource(new Patient()).execute().getId().getIdPart();
        String observation = client.create().resource(observation(patient)).execute().getId()
                .toUnqualifiedVersionless().getValue();

        Map<String, ?> read = withWriteAfterFirstRead(
                () -> client.delete().resourceById(new IdType(observation)).execute(),
                () -> reader.fetchAll(patient, Map.of(
                        "patient", "Patient/" + patient,
                        "observations", "Observation?subject=Patient/" + patient + "&code=" + LOINC + "|" + CODE)));

        assertThat(observations(patient)).as("deleted by the time the read ends").isEmpty();
        assertThat(((Bundle) read.get("observations")).getEntry())
                .extracting(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless().getValue())
                .as("the record as it was at the read of its Patient").containsExactly(observation);
    }

    /** The engine's record ($evaluate-resistance, re-evaluation) leaves out an Observation stored while it read. */
    void engineRecordLeavesOutAnObservationStoredDuringTheRead(PatientDataLoader loader) {
        String patient = client.create().resource(new Patient()).execute().getId().getIdPart();
        client.create().resource(observation(patient)).execute();

        List<Resource> record = withWriteAfterFirstRead(
                () -> client.create().resource(observation(patient)).execute(),
                () -> loader.load(new IdType("Patient", patient), new SystemRequestDetails()));

        assertThat(observations(patient)).as("stored by the time the read ends").hasSize(2);
        assertThat(record).filteredOn(resource -> resource instanceof Observation observation
                        && observation.getCode().hasCoding(LOINC, CODE))
                .as("the record as it was at the read of its Patient").hasSize(1);
    }

    private List<Bundle.BundleEntryComponent> observations(String patient) {
        return client.search().byUrl("Observation?subject=Patient/" + patient + "&code=" + LOINC + "|" + CODE)
                .returnBundle(Bundle.class).execute().getEntry();
    }

    /** Runs {@code read}; once its first resource is read, {@code write} runs on another thread and completes. */
    private <T> T withWriteAfterFirstRead(Runnable write, Supplier<T> read) {
        WriteAfterFirstRead hook = new WriteAfterFirstRead(Thread.currentThread(), write);
        storageInterceptors.registerInterceptor(hook);
        try {
            T result = read.get();
            assertThat(hook.fired.get()).as("the write ran during the read").isTrue();
            return result;
        } finally {
            storageInterceptors.unregisterInterceptor(hook);
        }
    }

    /** A final Observation with the test's code about the patient of this server with that id. */
    static Observation observation(String patient) {
        return observationAbout("Patient/" + patient);
    }

    /** The same about the patient the reference names, here or on another server. */
    static Observation observationAbout(String subject) {
        return new Observation()
                .setStatus(Observation.ObservationStatus.FINAL)
                .setCode(new CodeableConcept(new Coding(LOINC, CODE, null)))
                .setSubject(new Reference(subject));
    }

    @Interceptor
    public static final class WriteAfterFirstRead {

        private final Thread reader;
        private final Runnable write;
        private final AtomicBoolean fired = new AtomicBoolean();

        WriteAfterFirstRead(Thread reader, Runnable write) {
            this.reader = reader;
            this.write = write;
        }

        @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
        public void afterARead() throws Exception {
            if (Thread.currentThread() == reader && fired.compareAndSet(false, true)) {
                CompletableFuture.runAsync(write).get(60, TimeUnit.SECONDS);
            }
        }
    }
}
