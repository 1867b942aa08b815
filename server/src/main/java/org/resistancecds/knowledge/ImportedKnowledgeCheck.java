package org.resistancecds.knowledge;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.resistancecds.bulk.ImportChunks;

/**
 * Holds knowledge that a bulk {@code $import} stores to the check a REST write gets ({@link KnowledgeWriteCheck}):
 * the import stores through HAPI's Batch2 chunks, which the REST server's interceptors never see, so a PlanDefinition
 * that did not compile was stored, and every later knowledge write through the API was refused until someone put it
 * right. Registered with the storage layer's interceptors; acts only inside an import's chunk. A refused resource
 * fails the job with the check's message; resources stored before it stay (an import is not atomic).
 */
public class ImportedKnowledgeCheck {

    private final KnowledgeWriteCheck check;

    public ImportedKnowledgeCheck(KnowledgeWriteCheck check) {
        this.check = check;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        if (ImportChunks.currentJob().isPresent()) {
            check.imported(resource, resource);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource) {
        if (ImportChunks.currentJob().isPresent()) {
            check.imported(previous, resource);
        }
    }
}
