package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy of the file stands for what a crash would leave. H2 delays its own writes by a minute here, so only the
 * flusher can have put a row in the file.
 */
class H2CommitFlusherTest {

    @TempDir
    Path temp;

    @Test
    void appliesOnlyToAnEmbeddedFileDatabaseThatDelaysItsWrites() throws Exception {
        try (Connection delayed = DriverManager.getConnection("jdbc:h2:" + temp.resolve("delayed"), "sa", "");
                Connection immediate = DriverManager.getConnection(
                        "jdbc:h2:" + temp.resolve("immediate") + ";WRITE_DELAY=0", "sa", "");
                Connection memory = DriverManager.getConnection("jdbc:h2:mem:flusher", "sa", "")) {
            assertThat(H2CommitFlusher.beforeCommit(delayed)).isPresent();
            assertThat(H2CommitFlusher.delayedStoreOf(delayed)).isPresent();
            assertThat(H2CommitFlusher.beforeCommit(immediate)).isEmpty();
            assertThat(H2CommitFlusher.delayedStoreOf(immediate)).isEmpty();
            assertThat(H2CommitFlusher.beforeCommit(memory)).isEmpty();
        }
    }

    @Test
    void aCommitThatWroteIsInTheFileOnceFlushedAndNotBefore() throws Exception {
        try (Connection writer = open("db")) {
            insertAndCommit(writer, 1);
            assertThat(rowsInCopy("unflushed")).isZero();

            H2CommitFlusher flusher = H2CommitFlusher.beforeCommit(writer).orElseThrow();
            insertAndCommit(writer, 2);
            flusher.afterCommit();
            assertThat(rowsInCopy("flushed")).isEqualTo(2);
        }
    }

    /** A transaction that only read has nothing to make durable, so it does not write other sessions' changes. */
    @Test
    void aCommitThatOnlyReadWritesNothing() throws Exception {
        try (Connection writer = open("db"); Connection reader = open("db")) {
            insertAndCommit(writer, 1);

            H2CommitFlusher flusher = H2CommitFlusher.beforeCommit(reader).orElseThrow();
            try (Statement statement = reader.createStatement();
                    ResultSet rows = statement.executeQuery("select count(*) from t")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
            reader.commit();
            flusher.afterCommit();
            assertThat(rowsInCopy("after-read")).isZero();
        }
    }

    private Connection open(String name) throws Exception {
        Connection connection = DriverManager.getConnection(
                "jdbc:h2:" + temp.resolve(name) + ";WRITE_DELAY=60000", "sa", "");
        try (Statement statement = connection.createStatement()) {
            statement.execute("create table if not exists t(id int primary key)");
        }
        H2CommitFlusher.delayedStoreOf(connection).orElseThrow().commit();
        connection.setAutoCommit(false);
        return connection;
    }

    private static void insertAndCommit(Connection connection, int id) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("insert into t values (" + id + ")");
        }
        connection.commit();
    }

    private long rowsInCopy(String name) throws Exception {
        Files.copy(temp.resolve("db.mv.db"), temp.resolve(name + ".mv.db"));
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:h2:" + temp.resolve(name) + ";IFEXISTS=TRUE", "sa", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from t")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
