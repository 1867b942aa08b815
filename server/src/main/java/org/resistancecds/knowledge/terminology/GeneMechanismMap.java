package org.resistancecds.knowledge.terminology;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.ConceptMap;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.KnowledgeException;

/** Gene (HGNC) to resistance mechanism, with the functional effect each mapping needs (ConceptMap gene-to-mechanism). */
public final class GeneMechanismMap {

    /**
     * One mapping.
     *
     * @param geneCode HGNC id, e.g. {@code HGNC:6190}
     * @param geneSymbol e.g. {@code JAK1}
     * @param requiredEffect the effect a change must have for the mapping to hold
     * @param note the map's comment, quoted in reasons
     */
    public record GeneRule(
            String geneCode,
            String geneSymbol,
            String mechanism,
            String mechanismDisplay,
            FunctionalEffect requiredEffect,
            String note) {}

    private final Map<String, List<GeneRule>> rulesByGene;
    private final Map<String, String> codeBySymbol;

    private GeneMechanismMap(Map<String, List<GeneRule>> rulesByGene, Map<String, String> codeBySymbol) {
        this.rulesByGene = Map.copyOf(rulesByGene);
        this.codeBySymbol = Map.copyOf(codeBySymbol);
    }

    public static GeneMechanismMap from(ConceptMap map) {
        Map<String, String> symbols = new HashMap<>();
        List<GeneRule> rules = MapRow.of(map).stream()
                .map(row -> {
                    if (!TerminologySystems.isHgnc(row.sourceSystem()) || !row.sourceCode().startsWith("HGNC:")) {
                        throw new KnowledgeException(map.getUrl() + ": source " + row.sourceCode()
                                + " must be an HGNC id (HGNC:nnn) under " + TerminologySystems.HGNC);
                    }
                    if (row.sourceDisplay() == null) {
                        throw new KnowledgeException(map.getUrl() + ": " + row.sourceCode() + " needs the gene symbol as display");
                    }
                    MapCondition effect = row.dependsOn(KnowledgeCodes.PROPERTY_FUNCTIONAL_EFFECT)
                            .orElseThrow(() -> new KnowledgeException(map.getUrl() + ": " + row.sourceDisplay()
                                    + " -> " + row.targetCode() + " names no functional-effect dependsOn"));
                    FunctionalEffect required = FunctionalEffect.fromSequenceOntology(effect.value())
                            .filter(e -> e == FunctionalEffect.LOSS_OF_FUNCTION || e == FunctionalEffect.GAIN_OF_FUNCTION)
                            .orElseThrow(() -> new KnowledgeException(map.getUrl() + ": functional effect "
                                    + effect.value() + " must be SO:0002054 or SO:0002053"));
                    symbols.put(row.sourceDisplay().toUpperCase(Locale.ROOT), row.sourceCode());
                    return new GeneRule(row.sourceCode(), row.sourceDisplay(), row.targetCode(), row.targetDisplay(),
                            required, row.comment());
                })
                .toList();
        return new GeneMechanismMap(rules.stream().collect(Collectors.groupingBy(GeneRule::geneCode)), symbols);
    }

    public List<GeneRule> rulesFor(String hgncCode) {
        return hgncCode == null ? List.of() : rulesByGene.getOrDefault(hgncCode, List.of());
    }

    /** The HGNC id of a mapped gene's symbol (case-insensitive). */
    public Optional<String> codeForSymbol(String symbol) {
        return symbol == null ? Optional.empty() : Optional.ofNullable(codeBySymbol.get(symbol.toUpperCase(Locale.ROOT)));
    }

    /** Symbol of a mapped gene. */
    public Optional<String> symbolFor(String hgncCode) {
        return rulesFor(hgncCode).stream().map(GeneRule::geneSymbol).findFirst();
    }
}
