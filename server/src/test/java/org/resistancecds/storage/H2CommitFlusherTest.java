package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2CommitFlusherTest {

    @TempDir
    Path temp;

    @Test
    void findsTheStoreOnlyOfAnEmbeddedFileDatabaseThatDelaysItsWrites() throws Exception {
        try (Connection delayed = DriverManager.getConnection("jdbc:h2:" + temp.resolve("delayed"), "sa", "");
                Connection immediate = DriverManager.getConnection(
                        "jdbc:h2:" + temp.resolve("immediate") + ";WRITE_DELAY=0", "sa", "");
                Connection memory = DriverManager.getConnection("jdbc:h2:mem:flusher", "sa", "")) {
            assertThat(H2CommitFlusher.delayedStoreOf(delayed)).isPresent();
            assertThat(H2CommitFlusher.delayedStoreOf(immediate)).isEmpty();
            assertThat(H2CommitFlusher.delayedStoreOf(memory)).isEmpty();
        }
    }

    /**
     * A copy of the file stands for what a crash would leave: taken right after a commit it lacks the row while
     * H2 delays the write (a minute here, so its own writer cannot step in), and has it once the commit is flushed.
     */
    @Test
    void aFlushedCommitIsInTheFileAndAnUnflushedOneIsNot() throws Exception {
        Path file = temp.resolve("db.mv.db");
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:h2:" + temp.resolve("db") + ";WRITE_DELAY=60000", "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("create table t(id int primary key)");
            MVStore store = H2CommitFlusher.delayedStoreOf(connection).orElseThrow();
            H2CommitFlusher.flush(store);

            statement.execute("insert into t values (1)");
            assertThat(rowsInCopyOf(file, "unflushed")).isZero();

            statement.execute("insert into t values (2)");
            H2CommitFlusher.flush(store);
            assertThat(rowsInCopyOf(file, "flushed")).isEqualTo(2);
        }
    }

    private long rowsInCopyOf(Path file, String name) throws Exception {
        Path copy = temp.resolve(name + ".mv.db");
        Files.copy(file, copy);
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:h2:" + temp.resolve(name) + ";IFEXISTS=TRUE", "sa", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from t")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
