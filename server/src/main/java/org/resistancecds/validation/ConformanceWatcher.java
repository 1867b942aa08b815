package org.resistancecds.validation;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Makes a profile or terminology change made through another node on a shared database count here within one
 * interval: {@link ConformanceChanges} clears the validation caches of the node that stored the change, and the
 * others had gone on answering from theirs for up to 10 minutes (a corrected display looked up as it had been, a
 * deleted profile still checked against).
 *
 * <p>Each check asks the database which StructureDefinitions, CodeSystems, ValueSets and ConceptMaps changed since
 * the last one (a deletion changes a resource's version too), and which code system's concepts HAPI made current
 * since. It reads HAPI's tables directly: a FHIR history search would store a search row per check, and the
 * concepts' current version is in no FHIR resource. The window reaches a minute back, for nodes whose clocks differ;
 * a version seen before does not clear the caches again. A change this node made is seen here too and clears its
 * caches once more, which only costs the next validation its look-ups (210 ms against 56 ms warm, once).
 */
public class ConformanceWatcher implements ApplicationRunner, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ConformanceWatcher.class);
    private static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);
    /** How long after a change the caches are cleared at every check (see {@link #check}). */
    private static final Duration SETTLING = Duration.ofSeconds(30);
    private static final String CHANGED_SINCE = "SELECT RES_ID, RES_VER, RES_UPDATED FROM HFJ_RESOURCE "
            + "WHERE RES_TYPE IN ('StructureDefinition', 'CodeSystem', 'ValueSet', 'ConceptMap') AND RES_UPDATED >= ?";
    /** Each code system's current version among HAPI's terminology tables: one row per code system. */
    private static final String CODE_SYSTEM_VERSIONS = "SELECT PID, CURRENT_VERSION_PID FROM TRM_CODESYSTEM";

    private final JdbcTemplate jdbc;
    private final Runnable clearCaches;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "conformance-watcher");
        thread.setDaemon(true);
        return thread;
    });
    /** Versions seen within the margin, by resource: what a later check must not count again. */
    private final Map<Long, Long> seen = new HashMap<>();
    /** The current version of each code system's concepts at the last check. */
    private Map<Long, Long> codeSystemVersions = Map.of();
    private Instant checkedFrom;
    private Instant settledAt;

    public ConformanceWatcher(DataSource dataSource, Runnable clearCaches, Duration interval, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.clearCaches = clearCaches;
        this.interval = interval;
        this.clock = clock;
    }

    /** After the content installer: what it stored at this start is already what the caches were filled from. */
    @Override
    public void run(ApplicationArguments args) {
        if (interval.isZero()) {
            log.info("Conformance changes of other nodes are not watched (resistance.validation.conformance-refresh-"
                    + "interval=0): their profiles and terminology count here once this node's caches expire");
            return;
        }
        check(); // the versions stored so far are the ones in force
        scheduler.scheduleWithFixedDelay(this::checkSafely, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void checkSafely() {
        try {
            if (check()) {
                log.info("Validator caches cleared: a profile or terminology resource changed in the database");
            }
        } catch (RuntimeException e) {
            // A database hiccup must not stop later checks.
            log.warn("Could not check for profile and terminology changes: {}", e.toString());
        }
    }

    /**
     * Clears the caches if a version not seen before changed since the last check; true if it did. For half a minute
     * after a change it clears them at every check: HAPI finishes some of a change in the background (a code system's
     * concepts, value set expansions), and a node that cleared its caches too early kept the old answer (seen in CI:
     * node B still answered the old display 30 s after clearing its caches 0.9 s after node A's change).
     */
    synchronized boolean check() {
        Instant now = clock.instant();
        Instant from = checkedFrom == null ? Instant.EPOCH : checkedFrom.minus(CLOCK_MARGIN);
        Map<Long, Long> inWindow = new HashMap<>();
        for (Map<String, Object> row : jdbc.queryForList(CHANGED_SINCE, Timestamp.from(from))) {
            inWindow.put(((Number) row.get("RES_ID")).longValue(), ((Number) row.get("RES_VER")).longValue());
        }
        // A code system's concepts: HAPI can make a new version of them current after the resource is stored.
        Map<Long, Long> versions = new HashMap<>();
        for (Map<String, Object> row : jdbc.queryForList(CODE_SYSTEM_VERSIONS)) {
            Object current = row.get("CURRENT_VERSION_PID");
            versions.put(((Number) row.get("PID")).longValue(), current == null ? -1L : ((Number) current).longValue());
        }
        boolean first = checkedFrom == null;
        boolean changed = !versions.equals(codeSystemVersions) || inWindow.entrySet().stream()
                .anyMatch(version -> !version.getValue().equals(seen.get(version.getKey())));
        // The next window starts within this one: what it cannot return need not be remembered.
        seen.clear();
        seen.putAll(inWindow);
        codeSystemVersions = versions;
        checkedFrom = now;
        if (changed && !first) {
            settledAt = now.plus(SETTLING);
            clearCaches.run();
            return true;
        }
        if (settledAt != null && now.isBefore(settledAt)) {
            // Whatever HAPI finishes in the background after a change (concepts, expansions) and a lookup cached in
            // between is read afresh at the next clearing.
            clearCaches.run();
        }
        return false;
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
