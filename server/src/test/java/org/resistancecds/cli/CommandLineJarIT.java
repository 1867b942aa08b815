package org.resistancecds.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar run as a process, as a pipeline would: exit code, JSON alone on stdout, no web server started.
 * One run only (a JVM start of the fat jar is the cost); the commands' results are covered by CommandLineTest.
 */
class CommandLineJarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target", "resistance-cds-server.jar");

    private record Result(int exitCode, String out, String err) {}

    @Test
    void validateExitsOneForAnInvalidFileAndPrintsTheOutcomes() throws Exception {
        Result result = run("validate", "../examples/valid/Observation-jak1-tissue-ar-01.json",
                "../examples/invalid/Observation-variant-gene-not-in-value-set.json");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        JsonNode bundle = JSON.readTree(result.out());
        assertThat(bundle.get("entry")).hasSize(2);
        assertThat(result.out()).contains("None of the codings provided are in the value set");
        assertThat(result.err()).contains("Observation-jak1-tissue-ar-01.json: valid")
                .doesNotContain("Tomcat", "Started ResistanceCdsApplication")
                // HAPI's warnings about its own bundled code systems read as if they were about the user's file.
                .doesNotContain("Unknown element 'author'");
    }

    @Test
    void compactH2LeavesADatabaseAloneWhileAnotherProcessHasItOpen(@TempDir Path temp) throws Exception {
        String database = temp.resolve("in-use").toAbsolutePath().toString();
        // This JVM plays the running server: it holds the file open while the jar's command tries to compact it.
        // No trace file from this side either, so that one found below can only be the command's.
        try (Connection server = DriverManager.getConnection(
                        "jdbc:h2:" + database + ";WRITE_DELAY=0;TRACE_LEVEL_FILE=0", "sa", "");
                Statement statement = server.createStatement()) {
            statement.execute("create table t(id int primary key)");
            statement.execute("insert into t values (1)");
            long size = Files.size(Path.of(database + ".mv.db"));

            Result result = run("compact-h2", database);

            assertThat(result.exitCode()).as(result.err()).isEqualTo(CommandLine.USAGE);
            assertThat(result.err()).contains("Stop the server that uses it first.");
            assertThat(Files.size(Path.of(database + ".mv.db"))).isEqualTo(size);
            Path trace = Path.of(database + ".trace.db");
            assertThat(trace).as(() -> "no H2 trace file left by the refusal; it holds: " + readQuietly(trace))
                    .doesNotExist();
            try (ResultSet rows = statement.executeQuery("select count(*) from t")) {
                rows.next();
                assertThat(rows.getInt(1)).as("the open database still works").isEqualTo(1);
            }
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Result run(String... args) throws Exception {
        assertThat(JAR).as("mvn package builds the jar before integration tests").exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("cli-", ".out");
        Path err = Files.createTempFile("cli-", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the command finished").isTrue();
        Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return result;
    }
}
