package org.resistancecds.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.resistancecds.MovableClock;
import org.springframework.jdbc.core.JdbcTemplate;

/** Which changes in the resource table clear this node's validation caches, on an H2 table of HAPI's columns. */
class ConformanceWatcherTest {

    private final AtomicInteger clears = new AtomicInteger();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private JdbcTemplate jdbc;
    private ConformanceWatcher watcher;

    @BeforeEach
    void table() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:watcher-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("CREATE TABLE HFJ_RESOURCE (RES_ID BIGINT PRIMARY KEY, RES_TYPE VARCHAR(40), RES_VER BIGINT, "
                + "RES_UPDATED TIMESTAMP(6))");
        jdbc.execute("CREATE TABLE TRM_CODESYSTEM (PID BIGINT PRIMARY KEY, CURRENT_VERSION_PID BIGINT)");
        jdbc.update("INSERT INTO TRM_CODESYSTEM VALUES (1, 10)");
        store(1, "CodeSystem", 1);
        store(2, "StructureDefinition", 1);
        store(3, "Patient", 1);
        watcher = new ConformanceWatcher(dataSource, clears::incrementAndGet, Duration.ofSeconds(10), clock);
    }

    @Test
    void whatWasStoredAtStartClearsNothingAndANewVersionClearsOnce() {
        assertThat(watcher.check()).as("first check: the versions in force").isFalse();
        assertThat(watcher.check()).isFalse();

        later(5);
        store(1, "CodeSystem", 2);
        assertThat(watcher.check()).isTrue();
        later(5);
        assertThat(watcher.check()).as("the same version, still in the window").isFalse();
        assertThat(clears).as("cleared again while HAPI may still be storing in the background").hasValue(2);
        later(30);
        watcher.check();
        assertThat(clears).as("settled").hasValue(2);
    }

    @Test
    void otherTypesAndOldVersionsClearNothing() {
        watcher.check();
        later(5);
        store(3, "Patient", 2);
        assertThat(watcher.check()).isFalse();

        later(120);
        assertThat(watcher.check()).as("nothing in the window any more").isFalse();
        store(4, "ValueSet", 1);
        assertThat(watcher.check()).as("a new value set").isTrue();
        assertThat(clears).hasValue(1);
    }

    /** HAPI makes a code system's new concepts current seconds after storing the resource, in the background. */
    @Test
    void aCodeSystemsConceptsMadeCurrentLaterClearAgain() {
        watcher.check();
        later(1);
        store(1, "CodeSystem", 2);
        assertThat(watcher.check()).isTrue();

        later(31);
        jdbc.update("UPDATE TRM_CODESYSTEM SET CURRENT_VERSION_PID = 11 WHERE PID = 1");
        assertThat(watcher.check()).as("the concepts of version 2 made current").isTrue();
        assertThat(clears).hasValue(2);
    }

    /** Another node's clock runs behind: its change is dated before this node's last check, within the margin. */
    @Test
    void aChangeDatedSlightlyBeforeTheLastCheckIsSeen() {
        watcher.check();
        later(10);
        watcher.check();
        jdbc.update("UPDATE HFJ_RESOURCE SET RES_VER = 2, RES_UPDATED = ? WHERE RES_ID = 2",
                Timestamp.from(clock.instant().minusSeconds(30)));

        assertThat(watcher.check()).isTrue();
    }

    private void store(long id, String type, long version) {
        jdbc.update("MERGE INTO HFJ_RESOURCE KEY (RES_ID) VALUES (?, ?, ?, ?)", id, type, version,
                Timestamp.from(clock.instant()));
    }

    private void later(long seconds) {
        clock.move(Duration.ofSeconds(seconds));
    }
}
