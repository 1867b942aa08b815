package org.resistancecds.monitoring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Re-evaluation of a patient when relevant data are written.
 *
 * @param reevaluate re-evaluate in the background after a REST write or {@code $import} of an Observation or an ICI
 *     medication resource about a patient (stores the new assessment and a Communication when it changed)
 * @param queueCapacity patients waiting at most; writes for a patient already waiting are merged into its entry
 * @param maxAttempts attempts per patient before the failure is logged and counted and the entry dropped; a
 *     database that cannot be reached is waited for instead, however long
 * @param retryDelay pause before a failed patient is tried again
 * @param sweepInterval how often each node queues the patients whose pending rows have outlasted the previous sweep:
 *     a node died before it got to them, the queue was full, or their evaluation failed; {@code 0} turns it off
 */
@ConfigurationProperties("resistance.monitoring")
public record MonitoringProperties(
        @DefaultValue("true") boolean reevaluate,
        @DefaultValue("10000") int queueCapacity,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("500ms") Duration retryDelay,
        @DefaultValue("5m") Duration sweepInterval) {}
