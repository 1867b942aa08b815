package org.resistancecds.knowledge;

import java.util.List;
import org.resistancecds.knowledge.plan.CompiledPlan;
import org.resistancecds.knowledge.plan.ExpressionEngine;
import org.resistancecds.knowledge.terminology.CitationCatalog;
import org.resistancecds.knowledge.terminology.FindingMechanismMap;
import org.resistancecds.knowledge.terminology.GeneMechanismMap;
import org.resistancecds.knowledge.terminology.IciAgentTable;
import org.resistancecds.knowledge.terminology.ResistanceCriteria;
import org.resistancecds.knowledge.terminology.ResponseCategoryMap;
import org.resistancecds.knowledge.terminology.VariantEffectTable;

/** Everything the engine knows, read and compiled once from {@code terminology/} and {@code knowledge/}; immutable. */
public record KnowledgeBase(
        GeneMechanismMap genes,
        FindingMechanismMap findings,
        VariantEffectTable variantEffects,
        IciAgentTable agents,
        ResponseCategoryMap responses,
        ResistanceCriteria criteria,
        CitationCatalog citations,
        List<CompiledPlan> plans,
        ExpressionEngine expressions) {

    public KnowledgeBase {
        plans = List.copyOf(plans);
    }
}
