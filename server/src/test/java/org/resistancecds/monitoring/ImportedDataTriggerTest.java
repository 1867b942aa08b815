package org.resistancecds.monitoring;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.jobs.imprt.BulkImportAppCtx;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.StatusEnum;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.resistancecds.bulk.ImportChunks;

class ImportedDataTriggerTest {

    private final ReevaluationQueue queue = mock(ReevaluationQueue.class);
    private final IJobCoordinator jobs = mock(IJobCoordinator.class);
    private final ImportChunks chunks = new ImportChunks();

    private static JobInstance job(String id, String definition) {
        JobInstance job = new JobInstance();
        job.setInstanceId(id);
        job.setJobDefinitionId(definition);
        return job;
    }

    @Test
    void anImportQueuesEachOfItsPatientsOnceWhenItHasEnded() throws Exception {
        JobInstance running = job("import-1", BulkImportAppCtx.JOB_BULK_IMPORT_PULL);
        AtomicReference<StatusEnum> status = new AtomicReference<>(StatusEnum.IN_PROGRESS);
        when(jobs.getInstance("import-1")).thenAnswer(call -> {
            JobInstance stored = job("import-1", BulkImportAppCtx.JOB_BULK_IMPORT_PULL);
            stored.setStatus(status.get());
            return stored;
        });

        try (ImportedDataTrigger trigger = new ImportedDataTrigger(queue, jobs, mock(PendingReevaluations.class),
                new ChangedPatients(mock(DaoRegistry.class)))) {
            // Two chunks, as two files would give: p1's medication, then p1's results and one of p2.
            chunks.aroundChunk(running).wrapCall(() ->
                    trigger.created(MonitoringData.pembrolizumab("p1", "p1-ms", "2023-01-10")));
            chunks.aroundChunk(running).wrapCall(() -> {
                trigger.created(MonitoringData.response("p1", "p1-r1", "2023-04-01", "PR"));
                trigger.updated(null, MonitoringData.response("p1", "p1-r2", "2023-07-01", "PD"));
                trigger.created(MonitoringData.response("p2", "p2-r1", "2023-07-01", "PD"));
                trigger.created(MonitoringData.patient("p3"));
            });

            trigger.queueEndedImports();
            verifyNoInteractions(queue);

            status.set(StatusEnum.COMPLETED);
            trigger.queueEndedImports();
            trigger.queueEndedImports();
        }

        verify(queue).submit(eq("p1"), any(Instant.class));
        verify(queue).submit(eq("p2"), any(Instant.class));
        verifyNoMoreInteractions(queue);
    }

    /** REST writes are ReevaluationTrigger's; writes of other Batch2 jobs trigger nothing. */
    @Test
    void writesOutsideAnImportChunkAreLeftAlone() throws Exception {
        try (ImportedDataTrigger trigger = new ImportedDataTrigger(queue, jobs, mock(PendingReevaluations.class),
                new ChangedPatients(mock(DaoRegistry.class)))) {
            trigger.created(MonitoringData.response("p1", "p1-r1", "2023-04-01", "PR"));
            chunks.aroundChunk(job("reindex-1", "REINDEX")).wrapCall(() ->
                    trigger.created(MonitoringData.response("p2", "p2-r1", "2023-04-01", "PR")));

            trigger.queueEndedImports();
        }

        verifyNoInteractions(queue, jobs);
    }
}
