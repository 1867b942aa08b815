package org.resistancecds.knowledge.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledge.KnowledgeException;

class ExpressionEngineTest {

    private static final ExpressionEngine ENGINE = new ExpressionEngine(FhirContext.forR4Cached());

    private static ExpressionContext context(Map<String, List<Base>> variables) {
        return new ExpressionContext(new Patient().setActive(true), variables, Map.of());
    }

    @Test
    void variablesAreResolvedPerEvaluation() {
        CompiledExpression expression = ENGINE.compile("%statusCode = 'acquired-resistance'", "test");
        assertThat(ENGINE.test(expression, context(Map.of("statusCode", List.of(new StringType("acquired-resistance"))))))
                .isTrue();
        assertThat(ENGINE.test(expression, context(Map.of("statusCode", List.of(new StringType("responding"))))))
                .isFalse();
    }

    @Test
    void emptyResultIsFalse() {
        ExpressionContext context = context(Map.of("mechanisms", List.of()));
        assertThat(ENGINE.test(ENGINE.compile("%mechanisms.where(value.exists()).exists().not().not() and %mechanisms.first().status = 'final'", "t"), context))
                .isFalse();
    }

    @Test
    void aConditionThatGivesNoSingleBooleanFailsAtCompileTime() {
        assertThatThrownBy(() -> ENGINE.compile("%mechanisms.status", "here"))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("here")
                .hasMessageContaining("one boolean");
        assertThatThrownBy(() -> ENGINE.compile("%findings.where(code.coding.exists())", "there"))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("a collection of")
                .hasMessageContaining("Observation");
        assertThatThrownBy(() -> ENGINE.compile("%statusCode", "x"))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("string");
    }

    @Test
    void anElementNameNoTypeHasFailsAtCompileTimeInsteadOfMakingTheConditionFalse() {
        assertThatThrownBy(() -> ENGINE.compile("%mechanisms.where(valu.coding.exists()).exists()", "PlanDefinition/x#a"))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("PlanDefinition/x#a")
                .hasMessageContaining("valu");
        // Bare names inside where() are elements of the item, not variables: Observation.status, not %status.
        ENGINE.compile("%mechanisms.where(status = 'final').exists() and %draftOrders.ofType(ServiceRequest).exists()", "ok");
    }

    @Test
    void anEvaluationMayNotGiveAVariableItemsOfAnotherTypeThanTheCheckAssumed() {
        assertThatThrownBy(() -> context(Map.of("mechanisms", List.of(new Patient()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("%mechanisms holds a Patient, declared Observation");
        assertThatThrownBy(() -> context(Map.of("statusCode", List.of(new StringType("a"), new StringType("b")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declared single");
        context(Map.of("record", List.of(new Patient(), new Observation())));
    }

    @Test
    void theFocusIsThePatient() {
        assertThat(ENGINE.test(ENGINE.compile("active = true and %context.active", "t"), context(Map.of()))).isTrue();
    }

    @Test
    void unknownVariablesAndSyntaxErrorsFailAtCompileTime() {
        assertThatThrownBy(() -> ENGINE.compile("%stauts = 'x'", "PlanDefinition/x#a"))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("PlanDefinition/x#a")
                .hasMessageContaining("%stauts");
        assertThatThrownBy(() -> ENGINE.compile("%status.where(", "loc"))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("does not parse");
    }

    @Test
    void aVariableMissingAtRunTimeIsAnErrorNotFalse() {
        CompiledExpression expression = ENGINE.compile("%draftOrders.exists()", "loc");
        assertThatThrownBy(() -> ENGINE.test(expression, context(Map.of())))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("draftOrders");
    }
}
