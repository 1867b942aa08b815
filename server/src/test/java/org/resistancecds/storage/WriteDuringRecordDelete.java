package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * Checks, on whichever database the server runs, that an Observation written while its patient's record is deleted
 * is not left stored beside the deleted Patient. The write is made to land in the gap HAPI leaves: a hook in the
 * delete's transaction, after HAPI looked for references to the Patient and before it commits, sends the write and
 * lets the delete go on only once HAPI has checked the write's reference (the Patient still there) and the write has
 * had half a second to commit.
 */
record WriteDuringRecordDelete(String fhirBase, FhirContext fhirContext, IGenericClient client,
        IInterceptorService storageInterceptors, Runnable awaitReevaluations) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    void theWriteIsRefusedAndNothingIsLeftBesideTheDeletedPatient() throws Exception {
        String patient = client.create().resource(new Patient()).execute().getId().getIdPart();
        client.create().resource(RecordReadsDuringWrites.observation(patient)).execute();
        // A re-evaluation of the patient still running could store what refers to the Patient and fail the delete.
        awaitReevaluations.run();
        WriteInDeleteGap hook = new WriteInDeleteGap(patient, () -> post("Observation",
                fhirContext.newJsonParser().encodeResourceToString(RecordReadsDuringWrites.observation(patient))));
        storageInterceptors.registerInterceptor(hook);
        HttpResponse<String> delete;
        try {
            delete = post("", recordDelete(patient));
        } finally {
            storageInterceptors.unregisterInterceptor(hook);
        }

        assertThat(delete.statusCode()).as(delete.body()).isEqualTo(200);
        assertThat(hook.fired.get()).as("the write was sent during the delete").isTrue();
        HttpResponse<String> write = hook.write.get(60, TimeUnit.SECONDS);
        // Refused at its commit (PatientRowLock's 409), the write, which names no version, is tried again
        // (UnconditionalWriteRetry) and then gets what a write after the delete gets.
        assertThat(write.statusCode()).as(write.body()).isEqualTo(400);
        assertThat(write.body()).contains("Resource Patient/" + patient + " is deleted");
        assertThat(client.search().byUrl("Observation?subject=Patient/" + patient).returnBundle(Bundle.class)
                .execute().getEntry()).as("Observations left of the deleted patient").isEmpty();
    }

    /**
     * The record's delete as docs/monitoring.md gives it: its Observations and Communications (the re-evaluation's
     * notices) by condition, then the Patient. The record holds no medication resources.
     */
    private String recordDelete(String patient) {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE)
                .setUrl("Observation?subject=Patient/" + patient);
        transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE)
                .setUrl("Communication?subject=Patient/" + patient);
        transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Patient/" + patient);
        return fhirContext.newJsonParser().encodeResourceToString(transaction);
    }

    private HttpResponse<String> post(String path, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(fhirBase + "/" + path))
                    .header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Interceptor
    public static final class WriteInDeleteGap {

        private final String patient;
        private final Supplier<HttpResponse<String>> send;
        private final AtomicBoolean fired = new AtomicBoolean();
        private final CountDownLatch referenceChecked = new CountDownLatch(1);
        private volatile CompletableFuture<HttpResponse<String>> write;

        WriteInDeleteGap(String patient, Supplier<HttpResponse<String>> send) {
            this.patient = patient;
            this.send = send;
        }

        /** In the delete's transaction, after HAPI's reference check on the Patient. */
        @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
        public void patientDeleted(IBaseResource resource) throws Exception {
            if (resource instanceof Patient deleted && patient.equals(deleted.getIdElement().getIdPart())
                    && fired.compareAndSet(false, true)) {
                write = CompletableFuture.supplyAsync(send);
                assertThat(referenceChecked.await(60, TimeUnit.SECONDS)).as("the write got past its checks").isTrue();
                try {
                    write.get(500, TimeUnit.MILLISECONDS);
                } catch (TimeoutException waitingForTheDelete) {
                    // Held back until the delete commits: what the lock is for.
                }
            }
        }

        /** In the write's transaction, after HAPI found the Patient its reference names. */
        @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
        public void created(IBaseResource resource) {
            if (fired.get() && resource instanceof Observation observation
                    && observation.getSubject().getReference().endsWith("Patient/" + patient)) {
                referenceChecked.countDown();
            }
        }
    }
}
