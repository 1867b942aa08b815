package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The setting H2 reads when it opens a database: off by our default, an operator's URL still decides. */
class H2CloseCompactionTest {

    @TempDir
    Path temp;

    @Test
    void aDatabaseOpenedAfterTheDefaultSkipsCompactionOnClose() throws Exception {
        H2CloseCompaction.disableUnlessConfigured();

        assertThat(maxCompactTime("jdbc:h2:" + temp.resolve("default"))).isZero();
        assertThat(maxCompactTime("jdbc:h2:" + temp.resolve("chosen") + ";MAX_COMPACT_TIME=150")).isEqualTo(150);
    }

    private static int maxCompactTime(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            return session.getDatabase().getSettings().maxCompactTime;
        }
    }
}
