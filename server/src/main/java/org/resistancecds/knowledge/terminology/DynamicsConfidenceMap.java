package org.resistancecds.knowledge.terminology;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.ConceptMap;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.KnowledgeException;

/**
 * Variant dynamics (emergent, pre-existing, cleared...) to a change of the confidence with which the variant supports
 * its mechanism (ConceptMap variant-dynamics-confidence).
 */
public final class DynamicsConfidenceMap {

    /**
     * One rule.
     *
     * @param step +1 raises, -1 lowers, 0 only adds the note to the reasons
     * @param bound the highest confidence a raise can reach, the lowest a lowering can reach
     * @param needsEffectShown the rule applies only when the change shows the effect the gene map requires
     * @param note the map's comment, quoted in reasons
     */
    public record DynamicsRule(String dynamics, int step, Confidence bound, boolean needsEffectShown, String note) {

        /** The confidence after this rule. */
        public Confidence apply(Confidence confidence) {
            if (step > 0) {
                Confidence raised = confidence == Confidence.CONFIRMED ? confidence : Confidence.values()[confidence.ordinal() + 1];
                return raised.atMost(bound).compareTo(confidence) < 0 ? confidence : raised.atMost(bound);
            }
            if (step < 0) {
                Confidence lowered = confidence.downgraded();
                return lowered.compareTo(bound) < 0 ? bound : lowered;
            }
            return confidence;
        }
    }

    private final Map<String, DynamicsRule> rules;

    private DynamicsConfidenceMap(Map<String, DynamicsRule> rules) {
        this.rules = Map.copyOf(rules);
    }

    public static DynamicsConfidenceMap from(ConceptMap map) {
        Map<String, DynamicsRule> rules = new HashMap<>();
        for (MapRow row : MapRow.of(map)) {
            MapCondition step = row.product(KnowledgeCodes.PROPERTY_CONFIDENCE_STEP)
                    .orElseThrow(() -> new KnowledgeException(map.getUrl() + ": " + row.sourceCode() + " needs a confidence-step product"));
            int value;
            try {
                value = Integer.parseInt(step.value().replace("+", ""));
            } catch (RuntimeException e) {
                throw new KnowledgeException(map.getUrl() + ": confidence-step of " + row.sourceCode() + " must be -1, 0 or 1");
            }
            if (value < -1 || value > 1) {
                throw new KnowledgeException(map.getUrl() + ": confidence-step of " + row.sourceCode() + " must be -1, 0 or 1");
            }
            boolean effectShown = row.dependsOn(KnowledgeCodes.PROPERTY_EFFECT_SHOWN).map(c -> "true".equals(c.value())).orElse(false);
            if (row.comment() == null) {
                throw new KnowledgeException(map.getUrl() + ": " + row.sourceCode() + " needs a comment (it is quoted in reasons)");
            }
            if (rules.put(row.sourceCode(), new DynamicsRule(row.sourceCode(), value, Confidence.fromCode(row.targetCode()),
                    effectShown, row.comment())) != null) {
                throw new KnowledgeException(map.getUrl() + ": two rules for " + row.sourceCode());
            }
        }
        return new DynamicsConfidenceMap(rules);
    }

    public Optional<DynamicsRule> ruleFor(String dynamics) {
        return Optional.ofNullable(rules.get(dynamics));
    }
}
