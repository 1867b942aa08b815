package org.resistancecds.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.resistancecds.AbstractOpenServerIT;

/**
 * Runs every script of {@code examples/http/} with bash and curl against the test server, in the order a new user
 * would: load a scenario, validate, evaluate, call each hook, send feedback on a card, export in bulk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpExamplesIT extends AbstractOpenServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPTS = Path.of("../examples/http");

    private record Result(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    void needsCurl() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")) || Files.isExecutable(Path.of("/bin/curl")),
                "curl is not installed");
    }

    @Test
    @Order(1)
    void loadScenario() throws Exception {
        Result result = run("load-scenario.sh");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.json().get("type").asText()).isEqualTo("transaction-response");
    }

    @Test
    @Order(2)
    void validateAValidAndAnInvalidResource() throws Exception {
        Result valid = run("validate.sh");
        assertThat(valid.exitCode()).as(valid.err()).isZero();
        assertThat(severities(valid.json())).doesNotContain("error", "fatal");

        Result invalid = run("validate.sh", "../examples/invalid/Observation-variant-gene-not-in-value-set.json");
        assertThat(invalid.out()).contains("None of the codings provided are in the value set");
        assertThat(severities(invalid.json())).contains("error");
        assertThat(invalid.exitCode()).as("a pipeline can gate on it").isEqualTo(1);
    }

    @Test
    @Order(3)
    void evaluate() throws Exception {
        Result result = run("evaluate.sh", "sc-b2m");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("acquired-resistance", "antigen-presentation-defect");
    }

    @Test
    @Order(4)
    void eachHookThenFeedbackOnACard() throws Exception {
        Result patientView = run("patient-view.sh", "sc-b2m");
        assertThat(patientView.exitCode()).as(patientView.err()).isZero();
        JsonNode withSuggestion = null;
        JsonNode any = null;
        for (JsonNode card : patientView.json().get("cards")) {
            any = any == null ? card : any;
            if (card.path("suggestions").size() > 0 && withSuggestion == null) {
                withSuggestion = card;
            }
        }
        assertThat(withSuggestion).as("a card with a suggestion").isNotNull();

        Result orderSelect = run("order-select.sh", "sc-b2m");
        assertThat(orderSelect.exitCode()).as(orderSelect.err()).isZero();
        assertThat(orderSelect.json().has("cards")).isTrue();

        Result orderSign = run("order-sign.sh", "sc-b2m");
        assertThat(orderSign.exitCode()).as(orderSign.err()).isZero();
        List<String> indicators = new ArrayList<>();
        orderSign.json().get("cards").forEach(c -> indicators.add(c.get("indicator").asText()));
        assertThat(indicators).as("continuing pembrolizumab after acquired resistance is warned about")
                .containsAnyOf("warning", "critical");

        Result accepted = run("feedback.sh", "ici-resistance-patient-view", withSuggestion.get("uuid").asText(),
                "accepted", withSuggestion.at("/suggestions/0/uuid").asText());
        assertThat(accepted.exitCode()).as(accepted.err()).isZero();
        assertThat(accepted.json().at("/feedback/0/stored").asText()).startsWith("Basic/");

        Result overridden = run("feedback.sh", "ici-resistance-patient-view", any.get("uuid").asText(),
                "overridden", "already-addressed", "Seen at tumour board, \"C:\\notes\"");
        assertThat(overridden.exitCode()).as(overridden.err()).isZero();
        String basic = overridden.json().at("/feedback/0/stored").asText();
        // The comment's backslash and quotes arrive as typed (an unescaped "\n" became a line break).
        assertThat(get("/fhir/" + basic).body())
                .contains("already-addressed", "Seen at tumour board, \\\"C:\\\\notes\\\"");

        Result bad = run("feedback.sh", "ici-resistance-patient-view", any.get("uuid").asText(), "ignored");
        assertThat(bad.exitCode()).isEqualTo(2);

        // Accepted without the suggestion taken: said so, with the usage (was bash's "line 16: 4: suggestion uuid").
        Result noSuggestion = run("feedback.sh", "ici-resistance-patient-view", any.get("uuid").asText(), "accepted");
        assertThat(noSuggestion.exitCode()).isEqualTo(2);
        assertThat(noSuggestion.err()).contains("accepted needs the SUGGESTION_UUID", "Usage:");
    }

    @Test
    @Order(5)
    void observationsInOnePage() throws Exception {
        Result result = run("observations.sh", "sc-b2m");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode bundle = result.json();
        assertThat(bundle.path("type").asText()).isEqualTo("searchset");
        List<String> subjects = new ArrayList<>();
        bundle.path("entry").forEach(entry -> subjects.add(entry.at("/resource/subject/reference").asText()));
        assertThat(subjects).isNotEmpty().allMatch("Patient/sc-b2m"::equals);
        assertThat(bundle.path("link").toString()).doesNotContain("\"next\"");
    }

    @Test
    @Order(6)
    void bulkExportDownloadsNdjson(@TempDir Path out) throws Exception {
        Result result = run("bulk-export.sh", "Patient/$export?_type=Patient", out.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        Path patients = out.resolve("Patient-1.ndjson");
        assertThat(patients).exists();
        assertThat(Files.readString(patients)).contains("\"id\":\"sc-b2m\"");
    }

    private Result run(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("BASE", baseUrl());
        builder.environment().remove("CDS_TOKEN");
        Path out = Files.createTempFile("http-example-", ".out");
        Path err = Files.createTempFile("http-example-", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as(script + " finished").isTrue();
        Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    private static List<String> severities(JsonNode outcome) {
        List<String> severities = new ArrayList<>();
        outcome.path("issue").forEach(issue -> severities.add(issue.get("severity").asText()));
        return severities;
    }
}
