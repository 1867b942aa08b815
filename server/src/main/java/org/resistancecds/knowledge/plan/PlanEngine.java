package org.resistancecds.knowledge.plan;

import java.util.ArrayList;
import java.util.List;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.Recommendation;
import org.resistancecds.knowledge.Recommendation.Suggestion;

/**
 * Applies compiled PlanDefinitions: for each top-level action that answers the trigger, an action applies when
 * all its applicability conditions hold; a group passes on to its children; every applicable leaf becomes a
 * {@link Recommendation}, in the order the knowledge lists them. Knows no clinical rule of its own.
 */
public final class PlanEngine {

    private final ExpressionEngine expressions;
    private final List<CompiledPlan> plans;

    public PlanEngine(ExpressionEngine expressions, List<CompiledPlan> plans) {
        this.expressions = expressions;
        this.plans = List.copyOf(plans);
    }

    public List<Recommendation> apply(String trigger, ExpressionContext context, SuggestionContext suggestions) {
        List<Recommendation> out = new ArrayList<>();
        for (CompiledPlan plan : plans) {
            for (CompiledAction action : plan.actions()) {
                if (action.triggers().contains(trigger)) {
                    visit(action, context, suggestions, out);
                }
            }
        }
        return List.copyOf(out);
    }

    private void visit(CompiledAction action, ExpressionContext context, SuggestionContext suggestions,
            List<Recommendation> out) {
        for (CompiledExpression condition : action.conditions()) {
            if (!expressions.test(condition, context)) {
                return;
            }
        }
        if (!action.isLeaf()) {
            action.children().forEach(child -> visit(child, context, suggestions, out));
            return;
        }
        List<Suggestion> suggested = action.suggestion() == null
                ? List.of()
                : List.of(new Suggestion(action.suggestion().title(), action.suggestion().instantiate(
                        suggestions.patientReference(), action.codes(), action.reasons(), suggestions.status(),
                        suggestions.authoredOn())));
        out.add(new Recommendation(action.planDefinition(), action.id(), action.title(), action.description(),
                action.priority(), action.evidenceLevel(),
                !KnowledgeCodes.NOT_INVESTIGATIONAL_LEVELS.contains(action.evidenceLevel()), action.mechanisms(),
                action.citations(), suggested));
    }
}
