package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Golden scenarios: each {@code examples/scenarios/<name>.bundle.json} (a transaction Bundle of one patient's
 * record) is evaluated and compared with {@code <name>.expected.json}: status, mechanisms with confidence, and
 * the recommended action ids in order.
 */
class ScenarioTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResistanceEvaluator ENGINE = new KnowledgeEvaluator(Fixtures.knowledge());

    /** One scenario as stored on disk. */
    public record Scenario(String name, Bundle bundle, JsonNode expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> scenarios() throws IOException {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        org.springframework.core.io.Resource[] files =
                resolver.getResources("classpath*:content/examples/scenarios/*.expected.json");
        assertThat(files).as("scenario files on the classpath").isNotEmpty();
        List<Arguments> arguments = new ArrayList<>();
        for (org.springframework.core.io.Resource file : files) {
            String name = file.getFilename().replace(".expected.json", "");
            org.springframework.core.io.Resource bundleFile = file.createRelative(name + ".bundle.json");
            try (InputStream expected = file.getInputStream(); InputStream bundle = bundleFile.getInputStream()) {
                arguments.add(Arguments.of(new Scenario(name, FHIR.newJsonParser().parseResource(Bundle.class, bundle),
                        JSON.readTree(expected))));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenarioGivesTheExpectedEvaluation(Scenario scenario) {
        Evaluation evaluation = ENGINE.evaluate(toRequest(scenario));
        JsonNode expected = scenario.expected().get("expected");

        assertThat(evaluation.status().code()).as("status; reasons: %s", evaluation.status().reasons())
                .isEqualTo(expected.get("status").asText());
        Map<String, String> mechanisms = new LinkedHashMap<>();
        evaluation.mechanisms().forEach(m -> mechanisms.put(m.code(), m.confidence()));
        Map<String, String> expectedMechanisms = new LinkedHashMap<>();
        expected.get("mechanisms").fields().forEachRemaining(e -> expectedMechanisms.put(e.getKey(), e.getValue().asText()));
        assertThat(mechanisms).as("mechanisms; notes: %s", evaluation.notes()).isEqualTo(expectedMechanisms);
        List<String> actions = evaluation.recommendations().stream().map(Recommendation::actionId).toList();
        List<String> expectedActions = new ArrayList<>();
        expected.get("recommendations").forEach(a -> expectedActions.add(a.asText()));
        assertThat(actions).as("recommended actions").isEqualTo(expectedActions);
        if (expected.has("notesMention")) {
            expected.get("notesMention").forEach(text ->
                    assertThat(evaluation.notes()).anySatisfy(note -> assertThat(note).contains(text.asText())));
        }
        // Every verdict and mechanism explains itself and points to data of this record.
        assertThat(evaluation.status().reasons()).isNotEmpty();
        evaluation.mechanisms().forEach(m -> assertThat(m.evidence()).isNotEmpty());
    }

    static EvaluationRequest toRequest(Scenario scenario) {
        JsonNode request = scenario.expected().get("request");
        List<Resource> resources = scenario.bundle().getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
        List<Resource> draftOrders = new ArrayList<>();
        if (request.has("draftOrders")) {
            request.get("draftOrders").forEach(order ->
                    draftOrders.add((Resource) FHIR.newJsonParser().parseResource(order.toString())));
        }
        Instant asOf = LocalDate.parse(request.get("asOf").asText()).atStartOfDay().toInstant(ZoneOffset.UTC);
        return new EvaluationRequest(request.get("patient").asText(), request.get("trigger").asText(), resources,
                draftOrders, asOf);
    }
}
