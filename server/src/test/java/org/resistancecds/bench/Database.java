package org.resistancecds.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;

/**
 * The database a benchmark server runs on: a fresh H2 file in the server's working directory (the default
 * configuration, durable commits), or a fresh embedded PostgreSQL 14 with the {@code postgres} profile.
 */
final class Database implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private Database(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static Database start(String kind) throws Exception {
        return switch (kind) {
            case "h2" -> new Database(null);
            case "postgres" -> new Database(EmbeddedPostgres.builder().start());
            default -> throw new IllegalArgumentException("unknown database " + kind + " (h2 or postgres)");
        };
    }

    /** Server arguments: the bench profile (trivial CDS service), dev (no CDS client JWT), and the datasource. */
    List<String> arguments() {
        if (postgres == null) {
            return List.of("--spring.profiles.active=dev,bench");
        }
        return List.of("--spring.profiles.active=dev,bench,postgres",
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres", "--spring.datasource.password=");
    }

    @Override
    public void close() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }
}
