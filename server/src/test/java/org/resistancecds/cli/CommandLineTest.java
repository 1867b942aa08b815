package org.resistancecds.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's commands called in-process, on the repository's examples and scenarios. */
class CommandLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("../examples");

    private record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CommandLine.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void serverArgumentsAreNotCommands() {
        assertThat(CommandLine.isCommand(new String[] {"--server.port=9090"})).isFalse();
        assertThat(CommandLine.isCommand(new String[] {})).isFalse();
        assertThat(CommandLine.isCommand(new String[] {"validate", "x.json"})).isTrue();
    }

    /** A mistyped command used to start a whole server on port 8080 and create ./data. */
    @Test
    void anUnknownCommandIsAUsageErrorNotAServer() {
        assertThat(CommandLine.isCommand(new String[] {"frobnicate"})).isTrue();

        Run run = run("frobnicate");

        assertThat(run.exitCode()).isEqualTo(CommandLine.USAGE);
        assertThat(run.err()).contains("Unknown command 'frobnicate'", "Usage:");
    }

    /** --help used to be taken for a server option: it started a server on port 8080 and created ./data. */
    @Test
    void helpFlagsPrintTheUsageInsteadOfStartingAServer() {
        for (String flag : new String[] {"--help", "-h", "-help", "help"}) {
            assertThat(CommandLine.isCommand(new String[] {flag})).as(flag).isTrue();

            Run run = run(flag);

            assertThat(run.exitCode()).as(flag).isEqualTo(CommandLine.OK);
            assertThat(run.out()).as(flag).contains("Usage:", "validate FILE...");
        }
    }

    /** --version also started a server on port 8080 and created ./data. */
    @Test
    void versionFlagsPrintTheVersionsInsteadOfStartingAServer() {
        for (String flag : new String[] {"--version", "-version", "-V", "version"}) {
            assertThat(CommandLine.isCommand(new String[] {flag})).as(flag).isTrue();

            Run run = run(flag);

            assertThat(run.exitCode()).as(flag).isEqualTo(CommandLine.OK);
            assertThat(run.out()).as(flag).contains("resistance-cds-server 0.1.0", "FHIR 4.0.1", "HAPI FHIR 8.8.0");
        }
        assertThat(CommandLine.isCommand(new String[] {"--server.port=9090"})).isFalse();
    }

    @Test
    void validateReportsEachFileAndFailsWhenOneIsInvalid(@TempDir Path temp) throws Exception {
        Path valid = EXAMPLES.resolve("valid/Observation-jak1-tissue-ar-01.json");
        Path invalid = EXAMPLES.resolve("invalid/Observation-variant-gene-not-in-value-set.json");
        Path notFhir = Files.writeString(temp.resolve("broken.json"), "{\"resourceType\":\"Observation\",\"status\":");

        Run run = run("validate", valid.toString(), invalid.toString(), notFhir.toString());

        assertThat(run.exitCode()).isEqualTo(CommandLine.INVALID);
        JsonNode bundle = run.json();
        assertThat(bundle.get("resourceType").asText()).isEqualTo("Bundle");
        assertThat(bundle.get("entry")).hasSize(3);
        assertThat(severities(bundle.at("/entry/0/resource"))).doesNotContain("error", "fatal");
        assertThat(bundle.at("/entry/1/fullUrl").asText()).startsWith("file:").endsWith(invalid.getFileName().toString());
        assertThat(bundle.at("/entry/1/resource").toString())
                .contains("None of the codings provided are in the value set");
        assertThat(severities(bundle.at("/entry/2/resource"))).containsExactly("fatal");
        assertThat(run.err()).contains(valid + ": valid", invalid + ": INVALID", notFhir + ": INVALID");
    }

    /** The file as written: HAPI's parse of it drops the empty extension, and the copy validated clean. */
    @Test
    void validateChecksTheFileAsWrittenNotAParsedCopy(@TempDir Path temp) throws Exception {
        Path file = Files.writeString(temp.resolve("extension-without-value.json"), """
                {"resourceType": "Patient", "extension": [{"url": "http://example.org/fhir/StructureDefinition/x"}],
                 "gender": "female"}""");

        Run run = run("validate", file.toString());

        assertThat(run.exitCode()).as(run.out()).isEqualTo(CommandLine.INVALID);
        assertThat(run.out()).contains("Patient.extension[0]");
    }

    @Test
    void validateOfOneValidFileExitsZeroWithAnOperationOutcome() throws Exception {
        Run run = run("validate", EXAMPLES.resolve("valid/Patient-nsclc-ar-01.json").toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(CommandLine.OK);
        assertThat(run.json().get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(severities(run.json())).doesNotContain("error", "fatal");
    }

    @Test
    void validateOfAMissingFileIsAUsageError() {
        Run run = run("validate", "no-such-file.json");

        assertThat(run.exitCode()).isEqualTo(CommandLine.USAGE);
        assertThat(run.err()).contains("cannot read no-such-file.json: no such file");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void evaluatePrintsStatusMechanismsAndCards() throws Exception {
        Run run = run("evaluate", EXAMPLES.resolve("scenarios/acquired-resistance-b2m-loss.bundle.json").toString(),
                "--as-of", "2024-10-01");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(CommandLine.OK);
        JsonNode report = run.json();
        assertThat(report.get("patient").asText()).isEqualTo("sc-b2m");
        assertThat(report.at("/status/code").asText()).isEqualTo("acquired-resistance");
        assertThat(report.at("/mechanisms/0/code").asText()).isEqualTo("antigen-presentation-defect");
        assertThat(report.at("/mechanisms/0/confidence").asText()).isEqualTo("probable");
        List<String> sources = new ArrayList<>();
        report.get("cards").forEach(card -> sources.add(card.at("/source/topic/code").asText()));
        assertThat(sources).contains("antigen-presentation-defect");
        assertThat(report.get("cards")).allSatisfy(card -> assertThat(card.get("indicator").asText())
                .isIn("info", "warning", "critical"));
    }

    /** The antigen presentation strategy has no verified DOI: its card links to the knowledge page of --base-url. */
    @Test
    void evaluateLinksCardSourcesWithoutDoiToTheKnowledgePagesOfTheGivenServer() throws Exception {
        String bundle = EXAMPLES.resolve("scenarios/acquired-resistance-b2m-loss.bundle.json").toString();

        List<String> byDefault = sourceUrls(run("evaluate", bundle, "--as-of", "2024-10-01").json());
        List<String> given = sourceUrls(run("evaluate", bundle, "--as-of", "2024-10-01",
                "--base-url", "https://cds.example.org").json());

        assertThat(byDefault).contains(
                "http://localhost:8080/knowledge/acquired-resistance-strategies#antigen-presentation-defect");
        assertThat(given).contains(
                "https://cds.example.org/knowledge/acquired-resistance-strategies#antigen-presentation-defect");
        assertThat(run("evaluate", bundle, "--base-url", "cds.example.org").exitCode()).isEqualTo(CommandLine.USAGE);
    }

    private static List<String> sourceUrls(JsonNode report) {
        List<String> urls = new ArrayList<>();
        report.get("cards").forEach(card -> urls.add(card.at("/source/url").asText()));
        return urls;
    }

    @Test
    void evaluateOfARespondingPatientSaysSo() throws Exception {
        Run run = run("evaluate", EXAMPLES.resolve("scenarios/responding.bundle.json").toString(),
                "--as-of", "2024-10-01");

        assertThat(run.exitCode()).isEqualTo(CommandLine.OK);
        assertThat(run.json().at("/status/code").asText()).isEqualTo("responding");
    }

    @Test
    void evaluateRejectsBadArgumentsAndNonBundles() {
        assertThat(run("evaluate").exitCode()).isEqualTo(CommandLine.USAGE);
        assertThat(run("evaluate", "x.json", "--as-of", "yesterday").err()).contains("--as-of must be a date");
        assertThat(run("evaluate", "x.json", "--hook", "encounter-start").exitCode()).isEqualTo(CommandLine.USAGE);

        Run notABundle = run("evaluate", EXAMPLES.resolve("valid/Patient-nsclc-ar-01.json").toString());
        assertThat(notABundle.exitCode()).isEqualTo(CommandLine.INVALID);
        assertThat(notABundle.err()).contains("holds a Patient; a Bundle");
    }

    @Test
    void evaluateNamesWhatIsWrongWithTheBundlesPatient(@TempDir Path temp) throws Exception {
        Path noPatient = temp.resolve("no-patient.json");
        Files.writeString(noPatient, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}");
        Path anonymous = temp.resolve("anonymous.json");
        Files.writeString(anonymous, "{\"resourceType\":\"Bundle\",\"type\":\"collection\","
                + "\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"gender\":\"female\"}}]}");

        Run none = run("evaluate", noPatient.toString());
        Run unnamed = run("evaluate", anonymous.toString());

        assertThat(none.err()).contains("exactly one Patient", "--patient", "it holds 0.");
        assertThat(none.exitCode()).as("the command needs --patient").isEqualTo(CommandLine.USAGE);
        assertThat(unnamed.err()).contains("its Patient has neither.");
        assertThat(unnamed.exitCode()).isEqualTo(CommandLine.INVALID);
    }

    /** As the server's $evaluate-resistance with a Bundle and a patient: several patients, or none in the Bundle. */
    @Test
    void evaluatePicksThePatientItIsToldToInABundleOfSeveralOrNone(@TempDir Path temp) throws Exception {
        String scenario = Files.readString(EXAMPLES.resolve("scenarios/acquired-resistance-b2m-loss.bundle.json"));
        Bundle bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, scenario);
        String patientId = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Patient.class::isInstance).findFirst().orElseThrow().getIdElement().getIdPart();
        Bundle withOther = bundle.copy();
        withOther.addEntry().setResource(new Patient().setId("someone-else"));
        Bundle withoutPatient = bundle.copy();
        withoutPatient.getEntry().removeIf(e -> e.getResource() instanceof Patient);
        Path several = temp.resolve("several.json");
        Path none = temp.resolve("none.json");
        Files.writeString(several, FhirContext.forR4Cached().newJsonParser().encodeResourceToString(withOther));
        Files.writeString(none, FhirContext.forR4Cached().newJsonParser().encodeResourceToString(withoutPatient));

        Run picked = run("evaluate", several.toString(), "--as-of", "2024-10-01", "--patient", patientId);
        Run fromReferences = run("evaluate", none.toString(), "--as-of", "2024-10-01", "--patient", "Patient/" + patientId);
        Run absent = run("evaluate", several.toString(), "--patient", "nobody");

        assertThat(picked.exitCode()).as(picked.err()).isZero();
        assertThat(picked.json().at("/status/code").asText()).isEqualTo("acquired-resistance");
        assertThat(fromReferences.exitCode()).as(fromReferences.err()).isZero();
        assertThat(fromReferences.json().at("/status/code").asText()).isEqualTo("acquired-resistance");
        assertThat(absent.exitCode()).isEqualTo(CommandLine.INVALID);
        assertThat(absent.err()).contains("no Patient with id nobody");
    }

    private static List<String> severities(JsonNode outcome) {
        List<String> severities = new ArrayList<>();
        outcome.get("issue").forEach(issue -> severities.add(issue.get("severity").asText()));
        return severities;
    }

    @Test
    void compactH2ShrinksAFileThatSmallDurableCommitsGrewAndKeepsItsData(@TempDir Path temp) throws Exception {
        String database = temp.resolve("grown").toString();
        // One small commit after another, each written to the file at once (WRITE_DELAY=0; 3,000 one-row updates).
        // MAX_COMPACT_TIME=0: no compaction when this closes, as a large file gets none in H2's 200 ms at close.
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:h2:" + database + ";WRITE_DELAY=0;MAX_COMPACT_TIME=0", "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("create table t(id int primary key, v varchar(200))");
            statement.execute("insert into t select x, repeat('x', 200) from system_range(1, 2000)");
            for (int i = 0; i < 3000; i++) {
                statement.executeUpdate("update t set v = '" + i + "' where id = " + (1 + (i * 7919) % 2000));
            }
        }
        long grown = Files.size(Path.of(database + ".mv.db"));

        Run result = run("compact-h2", database + ".mv.db");

        assertThat(result.exitCode()).as(result.err()).isZero();
        long compacted = Files.size(Path.of(database + ".mv.db"));
        assertThat(result.json().get("bytesBefore").asLong()).isEqualTo(grown);
        assertThat(result.json().get("bytesAfter").asLong()).isEqualTo(compacted);
        assertThat(compacted).as("compacted %d bytes, grown %d", compacted, grown).isLessThan(grown / 4);
        try (Connection connection = DriverManager.getConnection("jdbc:h2:" + database + ";IFEXISTS=TRUE", "sa", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select count(*), max(id) from t where v <> ''")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(2000);
            assertThat(rows.getInt(2)).isEqualTo(2000);
        }
    }

    /** {@code data/resistance-cds}, as one types it: H2 itself refuses a path that is only implicitly relative. */
    @Test
    void compactH2TakesAPlainRelativePath() throws Exception {
        String database = "target/cli-relative-" + System.nanoTime() + "/db";
        try (Connection connection = DriverManager.getConnection("jdbc:h2:./" + database, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("create table t(id int primary key)");
        }

        Run result = run("compact-h2", database);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.json().get("file").asText()).endsWith(database + ".mv.db");
    }

    /** A database with a password is compacted with the server's credentials, read from its environment variables. */
    @Test
    void compactH2UsesTheServersCredentialsFromTheEnvironment(@TempDir Path temp) throws Exception {
        String database = temp.resolve("locked").toString();
        try (Connection connection = DriverManager.getConnection("jdbc:h2:" + database, "owner", "s3cret");
                Statement statement = connection.createStatement()) {
            statement.execute("create table t(id int primary key)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> noCredentials = Map.of();
        Map<String, String> serverCredentials = Map.of(CompactH2Command.USERNAME_VARIABLE, "owner",
                CompactH2Command.PASSWORD_VARIABLE, "s3cret");

        int refused = new CompactH2Command(new PrintStream(out), new PrintStream(err), noCredentials::get)
                .run(List.of(database));
        int compacted = new CompactH2Command(new PrintStream(out), new PrintStream(err), serverCredentials::get)
                .run(List.of(database));

        assertThat(refused).isEqualTo(CommandLine.USAGE);
        assertThat(err.toString()).contains("SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD");
        assertThat(compacted).as(err.toString()).isEqualTo(CommandLine.OK);
    }

    @Test
    void compactH2RefusesAMissingDatabaseInsteadOfCreatingOne(@TempDir Path temp) {
        Run result = run("compact-h2", temp.resolve("absent").toString());

        assertThat(result.exitCode()).isEqualTo(CommandLine.USAGE);
        assertThat(result.err()).contains("compact-h2: no H2 database at");
        assertThat(temp.resolve("absent.mv.db")).doesNotExist();
    }

    @Test
    void compactH2LeavesAnEmptyFileAloneAndTakesNoOptions(@TempDir Path temp) throws Exception {
        Path empty = Files.createFile(temp.resolve("empty.mv.db"));

        Run emptyFile = run("compact-h2", temp.resolve("empty").toString());
        Run option = run("compact-h2", "--force");

        assertThat(emptyFile.exitCode()).isEqualTo(CommandLine.USAGE);
        assertThat(Files.size(empty)).as("H2 would have made it a new database").isZero();
        assertThat(option.exitCode()).isEqualTo(CommandLine.USAGE);
        assertThat(option.err()).contains("no options");
    }

    @Test
    void validateNamesAnOptionItDoesNotHaveAsSuch() {
        Run result = run("validate", "--foo", "x.json");

        assertThat(result.exitCode()).isEqualTo(CommandLine.USAGE);
        assertThat(result.err()).contains("validate: no option --foo");
    }
}
