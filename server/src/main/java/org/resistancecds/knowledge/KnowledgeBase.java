package org.resistancecds.knowledge;

import java.util.List;
import java.util.Set;
import org.resistancecds.knowledge.serial.SerialCriteria;
import org.resistancecds.knowledge.terminology.DynamicsConfidenceMap;
import org.resistancecds.knowledge.plan.CompiledPlan;
import org.resistancecds.knowledge.plan.ExpressionEngine;
import org.resistancecds.knowledge.terminology.CitationCatalog;
import org.resistancecds.knowledge.terminology.FindingMechanismMap;
import org.resistancecds.knowledge.terminology.GeneMechanismMap;
import org.resistancecds.knowledge.terminology.IciAgentTable;
import org.resistancecds.knowledge.terminology.ResistanceCriteria;
import org.resistancecds.knowledge.terminology.ResponseCategoryMap;
import org.resistancecds.knowledge.terminology.VariantEffectTable;

/**
 * Everything the engine knows, read and compiled once from {@code terminology/} and {@code knowledge/}; immutable.
 *
 * @param watchGenes HGNC ids of genes the review names without a mechanism (in ValueSet resistance-genes, not in
 *     the gene map): an emergent variant in one is reported as a finding to watch
 */
public record KnowledgeBase(
        GeneMechanismMap genes,
        FindingMechanismMap findings,
        VariantEffectTable variantEffects,
        IciAgentTable agents,
        ResponseCategoryMap responses,
        ResistanceCriteria criteria,
        CitationCatalog citations,
        List<CompiledPlan> plans,
        ExpressionEngine expressions,
        SerialCriteria serialCriteria,
        DynamicsConfidenceMap dynamics,
        Set<String> watchGenes) {

    public KnowledgeBase {
        plans = List.copyOf(plans);
        watchGenes = Set.copyOf(watchGenes);
    }
}
