package org.resistancecds.knowledge.plan;

import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.Recommendation.Citation;

/**
 * A PlanDefinition action in executable form: its applicability conditions compiled, its citations checked
 * against the catalogue and its ActivityDefinition resolved. Group actions have children; leaf actions become
 * recommendations.
 *
 * @param triggers named events (hooks) the action answers; only top-level actions have them
 * @param codes what the action proposes (e.g. a resistance-strategy code)
 * @param mechanisms mechanism codes it addresses (from {@code action.reason})
 * @param reasons the {@code action.reason} concepts themselves
 * @param suggestion the resolved ActivityDefinition, or null
 */
public record CompiledAction(
        String planDefinition,
        String id,
        String title,
        String description,
        String priority,
        Set<String> triggers,
        List<CompiledExpression> conditions,
        List<CompiledAction> children,
        String evidenceLevel,
        List<CodeableConcept> codes,
        List<String> mechanisms,
        List<CodeableConcept> reasons,
        List<Citation> citations,
        ActivityTemplate suggestion) {

    public boolean isLeaf() {
        return children.isEmpty();
    }

    /** The resistance-strategy codes among what the action proposes: empty for an action that proposes no strategy. */
    public List<String> strategyCodes() {
        return codes.stream()
                .flatMap(code -> code.getCoding().stream())
                .filter(coding -> KnowledgeCodes.STRATEGY_SYSTEM.equals(coding.getSystem()))
                .map(Coding::getCode)
                .toList();
    }
}
