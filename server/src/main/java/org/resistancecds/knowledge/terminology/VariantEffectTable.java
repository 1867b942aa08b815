package org.resistancecds.knowledge.terminology;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.ConceptMap;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.KnowledgeException;

/** Protein changes with an established effect, per gene (ConceptMap variant-functional-effect). */
public final class VariantEffectTable {

    private final Map<String, FunctionalEffect> effects;

    private VariantEffectTable(Map<String, FunctionalEffect> effects) {
        this.effects = Map.copyOf(effects);
    }

    public static VariantEffectTable from(ConceptMap map) {
        Map<String, FunctionalEffect> effects = new HashMap<>();
        for (MapRow row : MapRow.of(map)) {
            FunctionalEffect effect = FunctionalEffect.fromSequenceOntology(row.targetCode())
                    .orElseThrow(() -> new KnowledgeException(
                            map.getUrl() + ": target " + row.targetCode() + " is not a known functional effect"));
            String gene = row.dependsOn(KnowledgeCodes.PROPERTY_GENE)
                    .map(MapCondition::value)
                    .orElseThrow(() -> new KnowledgeException(map.getUrl() + ": " + row.sourceCode() + " names no gene"));
            String normalised = ProteinChange.normalise(row.sourceCode());
            if (!normalised.equals(row.sourceCode())) {
                throw new KnowledgeException(map.getUrl() + ": write " + row.sourceCode() + " as " + normalised);
            }
            effects.put(key(gene, normalised), effect);
        }
        return new VariantEffectTable(effects);
    }

    /** The established effect of a change, given as normalised p. notation. */
    public Optional<FunctionalEffect> effectOf(String hgncCode, String normalisedProteinChange) {
        if (hgncCode == null || normalisedProteinChange == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(effects.get(key(hgncCode, normalisedProteinChange)));
    }

    private static String key(String gene, String change) {
        return gene + "|" + change;
    }
}
