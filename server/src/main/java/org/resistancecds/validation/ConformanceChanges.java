package org.resistancecds.validation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.MetadataResource;
import org.resistancecds.bulk.ImportChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Makes a client's change to a profile or terminology resource (ours or anyone's) count in validation and
 * {@code $lookup} as soon as it is committed. HAPI's validation chain keeps what it fetched for up to 10 minutes, so
 * a new code added to our CodeSystem was still "unknown" minutes later, refusing the PlanDefinition that used it, a
 * deleted profile was still checked against, and a client's corrected display was looked up as it had been. A
 * write of one clears those caches after its commit, once per database transaction; the next validation then reads
 * the stored version. Other nodes follow when their caches expire. Registered with the storage layer's
 * interceptors, so that a bulk {@code $import} counts too; the content installer's writes at start are left alone
 * (the warm-up reads what they stored).
 */
public class ConformanceChanges {

    private static final Logger log = LoggerFactory.getLogger(ConformanceChanges.class);
    private static final Set<String> TYPES = Set.of("StructureDefinition", "CodeSystem", "ValueSet", "ConceptMap");

    private final Runnable clearCaches;

    public ConformanceChanges(Runnable clearCaches) {
        this.clearCaches = clearCaches;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        changed(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
        changed(oldResource, request);
        changed(newResource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource, RequestDetails request) {
        changed(resource, request);
    }

    private void changed(IBaseResource resource, RequestDetails request) {
        if (!ImportChunks.isClientWrite(request) || !(resource instanceof MetadataResource canonical)
                || !TYPES.contains(canonical.fhirType())) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            invalidate(name(canonical));
            return;
        }
        for (TransactionSynchronization registered : TransactionSynchronizationManager.getSynchronizations()) {
            if (registered instanceof AfterCommit) {
                return;
            }
        }
        TransactionSynchronizationManager.registerSynchronization(new AfterCommit(name(canonical)));
    }

    private static String name(MetadataResource changed) {
        return changed.hasUrl() ? changed.getUrl() : changed.getIdElement().toUnqualifiedVersionless().getValue();
    }

    private void invalidate(String url) {
        long started = System.nanoTime();
        clearCaches.run();
        log.info("Validator caches cleared after a change to {} ({} ms); the next validation reads it as stored", url,
                (System.nanoTime() - started) / 1_000_000);
    }

    private final class AfterCommit implements TransactionSynchronization {

        private final String url;

        AfterCommit(String url) {
            this.url = url;
        }

        @Override
        public void afterCommit() {
            invalidate(url);
        }
    }
}
