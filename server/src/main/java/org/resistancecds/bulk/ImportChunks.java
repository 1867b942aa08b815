package org.resistancecds.bulk;

import ca.uhn.fhir.batch2.jobs.imprt.BulkImportAppCtx;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IBaseInterceptorBroadcaster.IInterceptorFilterHook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Optional;

/**
 * Tells storage hooks whether the write they see is one of a bulk {@code $import}: the job stores through HAPI's
 * Batch2 chunks with a system request, which the REST server's interceptors never see. Registered with the
 * storage layer's interceptors; a chunk's writes run on the chunk's thread.
 */
public final class ImportChunks {

    private static final ThreadLocal<String> CHUNK_OF_JOB = new ThreadLocal<>();

    /** The import job whose chunk runs on this thread, if one does. */
    public static Optional<String> currentJob() {
        return Optional.ofNullable(CHUNK_OF_JOB.get());
    }

    /**
     * Whether a write was a client's: over REST, or in a bulk import's chunk. Other writes are the server's own (the
     * content installer, re-evaluation), which the checks on clients' writes leave alone.
     */
    public static boolean isClientWrite(RequestDetails request) {
        return request instanceof ServletRequestDetails || currentJob().isPresent();
    }

    @Hook(Pointcut.BATCH2_CHUNK_PROCESS_FILTER)
    public IInterceptorFilterHook aroundChunk(JobInstance job) {
        if (!BulkImportAppCtx.JOB_BULK_IMPORT_PULL.equals(job.getJobDefinitionId())) {
            return Runnable::run;
        }
        return chunk -> {
            CHUNK_OF_JOB.set(job.getInstanceId());
            try {
                chunk.run();
            } finally {
                CHUNK_OF_JOB.remove();
            }
        };
    }
}
