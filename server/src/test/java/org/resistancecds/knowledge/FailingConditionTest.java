package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;
import org.resistancecds.conformance.ContentReader;

/**
 * Knowledge whose strategy gate fails for a patient with two mechanisms ({@code single()}): the engine answers that
 * patient without the gated strategies and says so, where one failing action had failed the whole answer; the
 * strict engine of the knowledge write check still fails on it.
 */
class FailingConditionTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void aConditionFailingForAPatientLeavesItsActionOutWithANote() {
        KnowledgeBase knowledge = KnowledgeLoader.load(FHIR, withFailingGate());
        KnowledgeEvaluator lenient = new KnowledgeEvaluator(knowledge);
        KnowledgeEvaluator strict = KnowledgeEvaluator.strict(knowledge);

        List<String> failedFor = new ArrayList<>();
        for (PackagedScenario scenario : PackagedScenario.load(FHIR)) {
            Evaluation evaluation = lenient.evaluate(scenario.copy().request(FHIR));
            if (evaluation.notes().stream().anyMatch(note -> note.contains("could not be evaluated"))) {
                failedFor.add(scenario.name());
                assertThat(evaluation.status()).as(scenario.name()).isNotNull();
                assertThat(evaluation.omitted()).as(scenario.name()).singleElement()
                        .satisfies(o -> assertThat(o.actionId()).isEqualTo("acquired-resistance"));
                assertThat(evaluation.recommendations()).as(scenario.name())
                        .noneMatch(r -> r.planDefinition().endsWith("acquired-resistance-strategies"));
                assertThatThrownBy(() -> strict.evaluate(scenario.copy().request(FHIR)))
                        .isInstanceOf(KnowledgeException.class).hasMessageContaining("single");
            }
        }
        assertThat(failedFor).as("scenarios with two mechanisms").isNotEmpty();
    }

    private static List<IBaseResource> withFailingGate() {
        ContentReader reader = new ContentReader(FHIR);
        List<IBaseResource> resources = new ArrayList<>();
        reader.read("terminology").forEach(f -> resources.add(f.resource()));
        reader.read("knowledge").forEach(f -> resources.add(f.resource()));
        PlanDefinition strategies = (PlanDefinition) resources.stream()
                .filter(r -> r instanceof PlanDefinition p && p.getUrl().endsWith("acquired-resistance-strategies"))
                .findFirst()
                .orElseThrow();
        strategies.getActionFirstRep().getConditionFirstRep().getExpression()
                .setExpression("%statusCode = 'acquired-resistance' and %mechanisms.single().exists()");
        return resources;
    }
}
