package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

class H2FileSyncTest {

    private static final ApplicationEventPublisher NO_EVENTS = event -> {};

    @TempDir
    Path temp;

    /** A write H2 cannot make closes its database for good: the server must say it is broken, not carry on. */
    @Test
    void reportsTheServerBrokenWhenH2CannotWriteItsFile() throws Exception {
        FullDiskFilePath.register();
        JdbcDataSource dataSource = dataSource("jdbc:h2:fulldisk:" + temp.resolve("full"));
        List<Object> states = new CopyOnWriteArrayList<>();
        ApplicationEventPublisher events =
                event -> states.add(((AvailabilityChangeEvent<?>) event).getState());
        H2FileSync sync = new H2FileSync(
                dataSource, new SimpleMeterRegistry(), events, Duration.ofMillis(20), H2FileSync.RETENTION);
        Connection connection = dataSource.getConnection();
        try (Statement statement = connection.createStatement()) {
            sync.afterPropertiesSet();
            statement.execute("create table t(id int primary key)");
            H2CommitFlusher flusher = H2CommitFlusher.beforeCommit(connection).orElseThrow();
            Thread.sleep(100);
            assertThat(states).isEmpty();

            FullDiskFilePath.setFull(true);
            // H2 may fail the statement itself, or the write the flusher asks for after it.
            assertThatThrownBy(() -> {
                statement.execute("insert into t values (1)");
                flusher.afterCommit();
            }).hasStackTraceContaining("No space left on device");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (states.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(states).containsExactly(LivenessState.BROKEN, ReadinessState.REFUSING_TRAFFIC);
        } finally {
            FullDiskFilePath.setFull(false);
            sync.destroy();
            try {
                connection.close();
            } catch (SQLException reportedAgain) {
                // Closing the last session closes the database, which reports H2's failure once more.
            }
        }
    }

    @Test
    void takesChargeOfAnEmbeddedFileDatabaseAndLeavesAnInMemoryOneAlone() throws Exception {
        JdbcDataSource file = dataSource("jdbc:h2:" + temp.resolve("db"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Connection open = file.getConnection()) {
            H2FileSync sync = new H2FileSync(file, registry, NO_EVENTS);
            sync.afterPropertiesSet();
            assertThat(sync.active()).isTrue();
            MVStore store = H2CommitFlusher.delayedStoreOf(open).orElseThrow();
            assertThat(store.getRetentionTime()).isEqualTo((int) H2FileSync.RETENTION.toMillis());
            store.commit();
            assertThat(registry.get("resistance.h2.file.size").gauge().value())
                    .isEqualTo((double) Files.size(temp.resolve("db.mv.db")));
            assertThat(registry.get("resistance.h2.chunks.live").gauge().value()).isBetween(1.0, 100.0);
            sync.destroy();
        }
        SimpleMeterRegistry memoryRegistry = new SimpleMeterRegistry();
        H2FileSync memory = new H2FileSync(dataSource("jdbc:h2:mem:sync"), memoryRegistry, NO_EVENTS);
        memory.afterPropertiesSet();
        assertThat(memory.active()).isFalse();
        assertThat(memoryRegistry.getMeters()).isEmpty();
        memory.destroy();
    }

    /**
     * The same stream of small commits, each in the file before the next: H2 writing on commit (no background
     * writer); written through by the flusher with H2's 45 s retention; and written through with this class forcing
     * the file and shortening the retention (both scaled down here, to 20 ms and 60 ms, so the test is short).
     */
    @Test
    void shortRetentionKeepsAFileOfWrittenThroughCommitsSmall() throws Exception {
        long onCommit = fileSizeAfterSmallCommits("oncommit", ";WRITE_DELAY=0", false);
        long writtenThrough = fileSizeAfterSmallCommits("through", "", false);
        long synced = fileSizeAfterSmallCommits("synced", "", true);
        System.out.printf("file after 3,000 small commits: %,d bytes written on commit, %,d written through, "
                + "%,d written through with short retention%n", onCommit, writtenThrough, synced);
        assertThat(synced).isLessThan(writtenThrough / 3).isLessThan(onCommit / 3);
    }

    private long fileSizeAfterSmallCommits(String name, String settings, boolean synced) throws Exception {
        JdbcDataSource dataSource = dataSource("jdbc:h2:" + temp.resolve(name) + settings + ";MAX_COMPACT_TIME=0");
        H2FileSync sync =
                new H2FileSync(dataSource, new SimpleMeterRegistry(), NO_EVENTS, Duration.ofMillis(20), Duration.ofMillis(60));
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            if (synced) {
                sync.afterPropertiesSet();
            }
            MVStore store = H2CommitFlusher.delayedStoreOf(connection).orElse(null);
            statement.execute("create table t(id int primary key, v varchar(200))");
            statement.execute("insert into t select x, repeat('x', 200) from system_range(1, 2000)");
            for (int i = 0; i < 3000; i++) {
                statement.executeUpdate("update t set v = '" + i + "' where id = " + (1 + (i * 7919) % 2000));
                if (store != null) {
                    store.commit(); // what H2CommitFlusher does after a commit that changed something
                }
            }
        } finally {
            sync.destroy();
        }
        // Closed for sure before the size is read and the directory deleted: a sync may have opened it again.
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        }
        return Files.size(temp.resolve(name + ".mv.db"));
    }

    private static JdbcDataSource dataSource(String url) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser("sa");
        return dataSource;
    }
}
