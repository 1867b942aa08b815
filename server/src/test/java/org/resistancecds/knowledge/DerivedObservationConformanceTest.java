package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.resistancecds.conformance.ContentReader;
import org.resistancecds.conformance.OfflineValidator;

/**
 * What the engine emits conforms to the project's profiles (acquired-resistance-status,
 * resistance-mechanism-assessment), and the content's own example patient reads as the content intends.
 */
class DerivedObservationConformanceTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ResistanceEvaluator ENGINE = new KnowledgeEvaluator(Fixtures.knowledge());
    private static OfflineValidator validator;

    @BeforeAll
    static void validator() {
        validator = OfflineValidator.fromClasspath(FHIR);
    }

    static Stream<Arguments> scenarios() {
        return ScenarioTest.scenarios();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void derivedObservationsConformToTheirProfiles(PackagedScenario scenario) {
        Evaluation evaluation = ENGINE.evaluate(scenario.request(FHIR));
        for (Observation observation : evaluation.derivedObservations()) {
            List<String> errors = validator.validate(observation).getMessages().stream()
                    .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                    .map(SingleValidationMessage::toString)
                    .toList();
            assertThat(errors).as(observation.getIdPart()).isEmpty();
        }
    }

    @Test
    void theContentExamplePatientIsAcquiredResistanceWithItsFourMechanisms() {
        List<Resource> resources = new ArrayList<>();
        new ContentReader(FHIR).read("examples/valid").forEach(f -> resources.add((Resource) f.resource()));
        Evaluation evaluation = ENGINE.evaluate(
                new EvaluationRequest("nsclc-ar-01", "patient-view", resources, List.of(), Fixtures.asOf("2024-06-01")));
        assertThat(evaluation.status().code()).isEqualTo("acquired-resistance");
        assertThat(evaluation.status().reasons()).anySatisfy(r -> assertThat(r).contains("iCPD"));
        assertThat(evaluation.mechanisms()).extracting(MechanismFinding::code, MechanismFinding::confidence)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("antigen-presentation-defect", "probable"),
                        org.assertj.core.groups.Tuple.tuple("ifn-gamma-signaling-alteration", "probable"),
                        org.assertj.core.groups.Tuple.tuple("immunosuppressive-cell-infiltration", "probable"),
                        org.assertj.core.groups.Tuple.tuple("physical-barrier-hypoxia", "possible"));
    }
}
