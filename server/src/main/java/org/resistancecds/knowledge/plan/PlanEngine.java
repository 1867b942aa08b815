package org.resistancecds.knowledge.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Coding;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.KnowledgeException;
import org.resistancecds.knowledge.OmittedRecommendation;
import org.resistancecds.knowledge.Recommendation;
import org.resistancecds.knowledge.Recommendation.Suggestion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies compiled PlanDefinitions: for each top-level action that answers the trigger, an action applies when
 * all its applicability conditions hold; a group passes on to its children; every applicable leaf becomes a
 * {@link Recommendation}, in the order the knowledge lists them. Knows no clinical rule of its own.
 * <p>
 * A condition that fails for a patient (stored knowledge with {@code single()} meeting two findings) leaves its action
 * out, reported as an {@link OmittedRecommendation} and an incident in the log, unless the engine is strict: one
 * failing action had made every CDS call and evaluation for that patient a 500, without even the resistance status.
 * The knowledge write check is strict, so knowledge that fails on a packaged scenario is still refused.
 */
public final class PlanEngine {

    private static final Logger log = LoggerFactory.getLogger(PlanEngine.class);

    private final ExpressionEngine expressions;
    private final List<CompiledPlan> plans;
    private final boolean strict;

    public PlanEngine(ExpressionEngine expressions, List<CompiledPlan> plans, boolean strict) {
        this.expressions = expressions;
        this.plans = List.copyOf(plans);
        this.strict = strict;
    }

    /** The recommendations; each action left out because its condition failed goes to {@code omitted}. */
    public List<Recommendation> apply(String trigger, ExpressionContext context, SuggestionContext suggestions,
            List<OmittedRecommendation> omitted) {
        List<Recommendation> out = new ArrayList<>();
        for (CompiledPlan plan : plans) {
            for (CompiledAction action : plan.actions()) {
                if (action.triggers().contains(trigger)) {
                    visit(action, context, suggestions, out, omitted);
                }
            }
        }
        return List.copyOf(out);
    }

    private void visit(CompiledAction action, ExpressionContext context, SuggestionContext suggestions,
            List<Recommendation> out, List<OmittedRecommendation> omitted) {
        for (CompiledExpression condition : action.conditions()) {
            if (!holds(action, condition, context, omitted)) {
                return;
            }
        }
        if (!action.isLeaf()) {
            action.children().forEach(child -> visit(child, context, suggestions, out, omitted));
            return;
        }
        List<Suggestion> suggested = action.suggestion() == null
                ? List.of()
                : List.of(new Suggestion(suggestionLabel(action), action.suggestion().instantiate(
                        suggestions.patientReference(), action.codes(), action.reasons(), suggestions.status(),
                        suggestions.authoredOn())));
        out.add(new Recommendation(action.planDefinition(), action.id(), action.title(), action.description(),
                action.priority(), action.evidenceLevel(),
                !KnowledgeCodes.NOT_INVESTIGATIONAL_LEVELS.contains(action.evidenceLevel()), action.mechanisms(),
                action.citations(), suggested));
    }

    /**
     * The suggested order's title, with what it is for: one ActivityDefinition (a trial referral) serves many
     * strategies, and a card offering two had shown two identical labels. Named by the action's first code with a
     * display (the strategy), else its first reason (the mechanism).
     */
    static String suggestionLabel(CompiledAction action) {
        String title = action.suggestion().title();
        return Stream.concat(action.codes().stream(), action.reasons().stream())
                .flatMap(concept -> concept.getCoding().stream())
                .filter(Coding::hasDisplay)
                .findFirst()
                .map(coding -> title + " (" + coding.getDisplay() + ")")
                .orElse(title);
    }

    private boolean holds(CompiledAction action, CompiledExpression condition, ExpressionContext context,
            List<OmittedRecommendation> omitted) {
        try {
            return expressions.test(condition, context);
        } catch (KnowledgeException e) {
            if (strict) {
                throw e;
            }
            String incident = UUID.randomUUID().toString();
            log.error("The condition of {}#{} failed for this patient; the action is left out (incident {})",
                    action.planDefinition(), action.id(), incident, e);
            omitted.add(new OmittedRecommendation(action.planDefinition(), action.id(), action.title(), incident));
            return false;
        }
    }
}
