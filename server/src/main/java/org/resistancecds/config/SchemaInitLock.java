package org.resistancecds.config;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;

/**
 * Lets one node at a time create or update the schema and HAPI's start-up rows on a shared PostgreSQL database.
 * Nodes started together on an empty database otherwise both create the same tables and insert the same
 * resource-type rows, and the loser fails to start. A session advisory lock is taken before the JPA layer starts
 * and given back when the context has started; a node that dies meanwhile loses its connection, and with it the
 * lock. Other databases: no lock (an H2 file admits one process).
 */
public final class SchemaInitLock {

    private static final Logger log = LoggerFactory.getLogger(SchemaInitLock.class);
    // Any constant shared by all nodes: the advisory lock's key.
    private static final long LOCK_KEY = 0x5265_7369_7374L;

    private Connection connection;

    private SchemaInitLock(Connection connection) {
        this.connection = connection;
    }

    public static SchemaInitLock acquire(DataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
            connection.close();
            return new SchemaInitLock(null);
        }
        long start = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            statement.execute("select pg_advisory_lock(" + LOCK_KEY + ")");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        if (waited > 100) {
            log.info("Waited {} ms for another node to finish its schema start-up", waited);
        }
        return new SchemaInitLock(connection);
    }

    @EventListener(ContextRefreshedEvent.class)
    public synchronized void release() throws SQLException {
        if (connection == null) {
            return;
        }
        try (Connection held = connection; Statement statement = held.createStatement()) {
            statement.execute("select pg_advisory_unlock(" + LOCK_KEY + ")");
        } finally {
            connection = null;
        }
    }
}
