package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden scenarios: each {@code examples/scenarios/<name>.bundle.json} (a transaction Bundle of one patient's
 * record) is evaluated and compared with {@code <name>.expected.json}: status, mechanisms with confidence, and
 * the recommended action ids in order.
 */
class ScenarioTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ResistanceEvaluator ENGINE = new KnowledgeEvaluator(Fixtures.knowledge());

    static Stream<Arguments> scenarios() {
        List<PackagedScenario> scenarios = PackagedScenario.load(FHIR);
        assertThat(scenarios).as("scenario files on the classpath").isNotEmpty();
        return scenarios.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenarioGivesTheExpectedEvaluation(PackagedScenario scenario) {
        Evaluation evaluation = ENGINE.evaluate(scenario.request(FHIR));
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
}
