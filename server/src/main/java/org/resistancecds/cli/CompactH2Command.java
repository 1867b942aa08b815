package org.resistancecds.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * {@code compact-h2 [DATABASE]}: shrinks a stopped server's H2 file with H2's own {@code SHUTDOWN COMPACT}, which
 * copies the live data into a fresh file. A busy server's file grows faster than its data (README, Durability);
 * this is how an operator takes the space back. DATABASE is the file without
 * {@code .mv.db} (default {@code ./data/resistance-cds}, the server's default). H2 refuses while another process,
 * such as the server, has the file open, so a running server's data is never touched. The credentials are the
 * server's: {@code SPRING_DATASOURCE_USERNAME} and {@code SPRING_DATASOURCE_PASSWORD} from the environment, as a
 * server started with them reads them (default {@code sa} and no password), never from the command line.
 */
final class CompactH2Command {

    static final String DEFAULT_DATABASE = "./data/resistance-cds";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String USERNAME_VARIABLE = "SPRING_DATASOURCE_USERNAME";
    static final String PASSWORD_VARIABLE = "SPRING_DATASOURCE_PASSWORD";

    private final PrintStream out;
    private final PrintStream err;
    private final UnaryOperator<String> environment;

    CompactH2Command(PrintStream out, PrintStream err, UnaryOperator<String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    int run(List<String> args) {
        if (args.size() > 1 || !args.isEmpty() && args.get(0).startsWith("-")) {
            err.println("compact-h2: takes at most one argument, the database file (.mv.db optional), and no options.");
            return CommandLine.USAGE;
        }
        String database = args.isEmpty() ? DEFAULT_DATABASE : args.get(0).replaceFirst("\\.mv\\.db$", "");
        Path file = Path.of(database + ".mv.db");
        if (!Files.isRegularFile(file) || sizeOf(file) == 0) {
            err.println("compact-h2: no H2 database at " + file.toAbsolutePath().normalize() + ".");
            return CommandLine.USAGE;
        }
        try {
            long before = Files.size(file);
            // IFEXISTS: never create an empty database by mistake. An absolute path: H2 refuses "data/x", a path
            // only implicitly relative. No trace file: a refusal (the server holds the file) must touch nothing.
            String url = "jdbc:h2:" + Path.of(database).toAbsolutePath().normalize()
                    + ";IFEXISTS=TRUE;TRACE_LEVEL_FILE=0";
            String username = Objects.requireNonNullElse(environment.apply(USERNAME_VARIABLE), "sa");
            String password = Objects.requireNonNullElse(environment.apply(PASSWORD_VARIABLE), "");
            try (Connection connection = DriverManager.getConnection(url, username, password);
                    Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN COMPACT");
            }
            long after = Files.size(file);
            ObjectNode sizes = JSON.createObjectNode()
                    .put("file", file.toAbsolutePath().normalize().toString())
                    .put("bytesBefore", before)
                    .put("bytesAfter", after);
            out.println(JSON.writeValueAsString(sizes));
            return CommandLine.OK;
        } catch (SQLException e) {
            err.println("Could not compact " + file + ": " + e.getMessage()
                    + (e.getErrorCode() == 90020 ? " Stop the server that uses it first." : "")
                    + (e.getErrorCode() == 28000 ? " Give the server's database credentials in " + USERNAME_VARIABLE
                            + " and " + PASSWORD_VARIABLE + "." : ""));
            return CommandLine.USAGE;
        } catch (IOException e) {
            err.println("Could not read " + file + ": " + e.getMessage());
            return CommandLine.USAGE;
        }
    }

    /** An empty file is no database; H2 would turn it into a new empty one. */
    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException unreadable) {
            return 0;
        }
    }
}
