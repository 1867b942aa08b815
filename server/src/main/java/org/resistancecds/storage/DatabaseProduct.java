package org.resistancecds.storage;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Which database the server runs on, as its JDBC driver names it ("H2", "PostgreSQL"). */
public final class DatabaseProduct {

    private DatabaseProduct() {}

    public static String of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not reach the database to learn which one it is", e);
        }
    }

    public static boolean isPostgres(DataSource dataSource) {
        return "PostgreSQL".equals(of(dataSource));
    }
}
