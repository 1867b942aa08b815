package org.resistancecds.knowledge.terminology;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.Coding;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.KnowledgeException;

/**
 * How strong the evidence behind each strategy of the resistance-strategy CodeSystem is against acquired resistance
 * (its {@code evidence-level} property). A recommendation coded with a strategy may state that level or a weaker
 * one, never a stronger: an action must not read "approved therapy" when its strategy is preclinical. Nor may it
 * state a level that is not investigational ({@code consensus}) for a strategy whose level is: consensus ranks below
 * the trials, but it would drop the "investigational" label from a strategy still in trials.
 */
public final class StrategyEvidence {

    private static final String PROPERTY = "evidence-level";

    private final Map<String, String> levelByCode;

    private StrategyEvidence(Map<String, String> levelByCode) {
        this.levelByCode = Map.copyOf(levelByCode);
    }

    public static StrategyEvidence from(CodeSystem strategies) {
        Map<String, String> levels = new HashMap<>();
        strategies.getConcept().forEach(concept -> collect(strategies.getUrl(), concept, levels));
        return new StrategyEvidence(levels);
    }

    /**
     * A concept's own level or, for a category without one, the weakest level among its examples: an action coded
     * with the category names none of them, so it may claim no more than the least supported.
     */
    private static String collect(String system, ConceptDefinitionComponent concept, Map<String, String> levels) {
        String weakest = null;
        for (ConceptDefinitionComponent child : concept.getConcept()) {
            weakest = weaker(weakest, collect(system, child, levels));
        }
        String level = ownLevel(system, concept).orElse(weakest);
        if (level == null) {
            throw new KnowledgeException(system + "#" + concept.getCode() + ": no " + PROPERTY
                    + " property, and no example below it with one");
        }
        levels.put(concept.getCode(), level);
        return level;
    }

    private static Optional<String> ownLevel(String system, ConceptDefinitionComponent concept) {
        List<ConceptPropertyComponent> stated = concept.getProperty().stream()
                .filter(p -> PROPERTY.equals(p.getCode()))
                .toList();
        if (stated.isEmpty()) {
            return Optional.empty();
        }
        String level = stated.size() == 1 && stated.get(0).getValue() instanceof Coding coding
                && KnowledgeCodes.EVIDENCE_LEVEL_SYSTEM.equals(coding.getSystem()) ? coding.getCode() : null;
        if (!KnowledgeCodes.EVIDENCE_LEVELS.contains(level)) {
            throw new KnowledgeException(system + "#" + concept.getCode() + ": the " + PROPERTY + " property must be "
                    + "stated once, as a Coding of " + KnowledgeCodes.EVIDENCE_LEVEL_SYSTEM + " (one of "
                    + KnowledgeCodes.EVIDENCE_LEVELS + ")");
        }
        return Optional.of(level);
    }

    private static String weaker(String a, String b) {
        return a == null || rank(b) < rank(a) ? b : a;
    }

    private static int rank(String level) {
        return KnowledgeCodes.EVIDENCE_LEVELS.indexOf(level);
    }

    /** The strongest level a recommendation of this strategy may state; empty for a code not in the CodeSystem. */
    public Optional<String> ceiling(String strategyCode) {
        return Optional.ofNullable(levelByCode.get(strategyCode));
    }

    /**
     * Whether {@code level} claims more than {@code ceiling}: a stronger level, or a level that is not
     * investigational where the strategy's is.
     */
    public static boolean exceeds(String level, String ceiling) {
        boolean dropsInvestigational = !KnowledgeCodes.NOT_INVESTIGATIONAL_LEVELS.contains(ceiling)
                && KnowledgeCodes.NOT_INVESTIGATIONAL_LEVELS.contains(level);
        return rank(level) > rank(ceiling) || dropsInvestigational;
    }
}
