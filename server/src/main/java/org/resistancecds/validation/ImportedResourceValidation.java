package org.resistancecds.validation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.resistancecds.bulk.ImportChunks;

/**
 * Validates what a bulk {@code $import} stores as a REST write is validated: the import stores through HAPI's
 * Batch2 chunks, which {@link WriteValidatingInterceptor} on the REST server never sees, so an invalid resource was
 * stored. Registered with the storage layer's interceptors; other internal writes (content, re-evaluation) are left
 * alone. An invalid resource is not stored and the job fails with its error; resources stored before it stay.
 */
public class ImportedResourceValidation {

    private final WriteValidatingInterceptor writes;

    public ImportedResourceValidation(WriteValidatingInterceptor writes) {
        this.writes = writes;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        if (ImportChunks.currentJob().isPresent()) {
            writes.validate(resource, request);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        created(resource, request);
    }
}
