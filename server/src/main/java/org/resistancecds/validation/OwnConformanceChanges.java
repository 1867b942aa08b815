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
 * Makes a client's change to this project's profiles or terminology count in validation as soon as it is committed.
 * HAPI's validation chain keeps what it fetched for up to 10 minutes, so a new code added to our CodeSystem was still
 * "unknown" minutes later, refusing the PlanDefinition that used it, and a deleted profile was still checked
 * against. A write of one of ours clears those caches after its commit, once per
 * database transaction; the next validation then reads the stored version. Other nodes follow when their caches
 * expire. Registered with the storage layer's interceptors, so that a bulk {@code $import} counts too; the content
 * installer's writes at start are left alone (the warm-up reads what they stored).
 */
public class OwnConformanceChanges {

    private static final Logger log = LoggerFactory.getLogger(OwnConformanceChanges.class);
    private static final Set<String> TYPES = Set.of("StructureDefinition", "CodeSystem", "ValueSet", "ConceptMap");

    private final Runnable clearCaches;
    private final String ownBase;

    /** {@code ownBase}: the canonical base our resources' URLs start with. */
    public OwnConformanceChanges(Runnable clearCaches, String ownBase) {
        this.clearCaches = clearCaches;
        this.ownBase = ownBase;
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
        if (!ImportChunks.isClientWrite(request) || !(resource instanceof MetadataResource canonical) || !TYPES.contains(canonical.fhirType())
                || canonical.getUrl() == null || !canonical.getUrl().startsWith(ownBase)) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            invalidate(canonical.getUrl());
            return;
        }
        for (TransactionSynchronization registered : TransactionSynchronizationManager.getSynchronizations()) {
            if (registered instanceof AfterCommit) {
                return;
            }
        }
        TransactionSynchronizationManager.registerSynchronization(new AfterCommit(canonical.getUrl()));
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
