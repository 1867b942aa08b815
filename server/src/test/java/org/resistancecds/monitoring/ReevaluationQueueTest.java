package org.resistancecds.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.resistancecds.assessment.AssessmentRecorder;
import org.springframework.transaction.CannotCreateTransactionException;

class ReevaluationQueueTest {

    private static final MonitoringProperties THREE_QUICK_ATTEMPTS =
            new MonitoringProperties(true, 100, 3, Duration.ofMillis(1), Duration.ZERO);

    private final PatientReevaluator reevaluator = mock(PatientReevaluator.class);
    private final PendingReevaluations pending = mock(PendingReevaluations.class);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void aPatientWaitsForALostDatabaseBeyondTheAttemptLimit() throws Exception {
        RuntimeException databaseDown = new CannotCreateTransactionException("Could not open JPA EntityManager",
                new SQLTransientConnectionException("pool - Connection is not available, request timed out"));
        when(reevaluator.reevaluate("p1")).thenThrow(databaseDown, databaseDown, databaseDown, databaseDown, databaseDown)
                .thenReturn(Optional.of(AssessmentRecorder.Outcome.CHANGED));

        try (ReevaluationQueue queue = new ReevaluationQueue(reevaluator, pending, THREE_QUICK_ATTEMPTS, registry)) {
            queue.submit("p1", Instant.now());
            awaitIdle(queue);
        }

        verify(reevaluator, times(6)).reevaluate("p1");
        assertThat(runs("changed")).isEqualTo(1);
        assertThat(runs("failed")).isZero();
    }

    @Test
    void anyOtherFailureIsDroppedAfterTheAttemptLimit() throws Exception {
        when(reevaluator.reevaluate("p2")).thenThrow(new IllegalStateException("engine fault"));

        try (ReevaluationQueue queue = new ReevaluationQueue(reevaluator, pending, THREE_QUICK_ATTEMPTS, registry)) {
            queue.submit("p2", Instant.now());
            awaitIdle(queue);
        }

        verify(reevaluator, times(3)).reevaluate("p2");
        assertThat(runs("failed")).isEqualTo(1);
        verify(pending, never()).remove(any());
    }

    @Test
    void theRowsSeenBeforeAnEvaluationAreRemovedAfterIt() throws Exception {
        when(pending.rowsOf("p3")).thenReturn(List.of(7L, 9L));
        when(reevaluator.reevaluate("p3")).thenReturn(Optional.of(AssessmentRecorder.Outcome.UNCHANGED));

        try (ReevaluationQueue queue = new ReevaluationQueue(reevaluator, pending, THREE_QUICK_ATTEMPTS, registry)) {
            queue.submit("p3", Instant.now());
            awaitIdle(queue);
        }

        InOrder order = inOrder(pending, reevaluator);
        order.verify(pending).rowsOf("p3");
        order.verify(reevaluator).reevaluate("p3");
        order.verify(pending).remove(List.of(7L, 9L));
    }

    @Test
    void patientsAnEarlierRunLeftPendingAreQueuedWhenReady() throws Exception {
        when(pending.lastRow()).thenReturn(12L);
        when(pending.patientsUpTo(12L)).thenReturn(List.of("p4", "p5"));
        when(reevaluator.reevaluate(any())).thenReturn(Optional.of(AssessmentRecorder.Outcome.CHANGED));

        try (ReevaluationQueue queue = new ReevaluationQueue(reevaluator, pending, THREE_QUICK_ATTEMPTS, registry)) {
            queue.queueLeftOver();
            awaitIdle(queue);
        }

        verify(reevaluator).reevaluate("p4");
        verify(reevaluator).reevaluate("p5");
        assertThat(runs("changed")).isEqualTo(2);
    }

    @Test
    void patientsWhoseRowsOutlastASweepIntervalAreQueuedAgain() throws Exception {
        // Ready with rows up to 5 and nothing left over; by the sweep, rows up to 9, and p6's older row is still there.
        when(pending.lastRow()).thenReturn(5L, 9L);
        when(pending.patientsUpTo(5L)).thenReturn(List.of(), List.of("p6"));
        when(reevaluator.reevaluate("p6")).thenReturn(Optional.of(AssessmentRecorder.Outcome.UNCHANGED));

        try (ReevaluationQueue queue = new ReevaluationQueue(reevaluator, pending, THREE_QUICK_ATTEMPTS, registry)) {
            queue.queueLeftOver();
            verify(reevaluator, never()).reevaluate(any());
            queue.sweep();
            awaitIdle(queue);
            // The next sweep looks only at rows that were there at this one.
            queue.sweep();
        }

        verify(reevaluator).reevaluate("p6");
        verify(pending).patientsUpTo(9L);
    }

    @Test
    void aSweepBeforeTheServerIsReadyOnlyMarksTheRowsItSaw() throws Exception {
        when(pending.lastRow()).thenReturn(3L);

        try (ReevaluationQueue queue = new ReevaluationQueue(reevaluator, pending, THREE_QUICK_ATTEMPTS, registry)) {
            queue.sweep();
        }

        verify(pending, never()).patientsUpTo(anyLong());
        verify(reevaluator, never()).reevaluate(any());
    }

    private double runs(String result) {
        return registry.get("resistance.reevaluation.runs").tag("result", result).counter().count();
    }

    private static void awaitIdle(ReevaluationQueue queue) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (queue.pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(queue.pending()).as("patients still pending").isZero();
    }
}
