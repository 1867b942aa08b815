package org.resistancecds.knowledge;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.resistancecds.bulk.ImportChunks;

/**
 * Holds knowledge that a bulk {@code $import} stores to the check a REST write gets ({@link KnowledgeWriteCheck}):
 * the import stores through HAPI's Batch2 chunks, which the REST server's interceptors never see, so a PlanDefinition
 * that did not compile was stored, and every later knowledge write through the API was refused until someone put it
 * right. HAPI stores a chunk as one transaction Bundle (and, when that fails, entry by entry), so the chunk's
 * knowledge is checked together, as a REST transaction's is. Registered with the storage layer's interceptors; acts
 * only inside an import's chunk. A refused chunk fails the job with the check's message and stores nothing of it.
 */
public class ImportedKnowledgeCheck {

    private final KnowledgeWriteCheck check;

    public ImportedKnowledgeCheck(KnowledgeWriteCheck check) {
        this.check = check;
    }

    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
    public void bundleArriving(IBaseBundle bundle, RequestDetails request) {
        if (ImportChunks.currentJob().isPresent()) {
            check.bundleArriving(bundle, request);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
        if (ImportChunks.currentJob().isPresent()) {
            check.created(resource, request, transaction);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request,
            TransactionDetails transaction) {
        if (ImportChunks.currentJob().isPresent()) {
            check.updated(previous, resource, request, transaction);
        }
    }

    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSED)
    public void transactionProcessed(TransactionDetails transaction) {
        if (ImportChunks.currentJob().isPresent()) {
            check.transactionProcessed(transaction);
        }
    }
}
