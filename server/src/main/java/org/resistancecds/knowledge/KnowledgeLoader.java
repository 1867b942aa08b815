package org.resistancecds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.ValueSet;
import org.resistancecds.knowledge.serial.SerialCriteria;
import org.resistancecds.knowledge.terminology.DynamicsConfidenceMap;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.resistancecds.conformance.ContentFile;
import org.resistancecds.conformance.ContentReader;
import org.resistancecds.knowledge.plan.ActivityTemplate;
import org.resistancecds.knowledge.plan.CompiledPlan;
import org.resistancecds.knowledge.plan.ExpressionEngine;
import org.resistancecds.knowledge.plan.PlanCompiler;
import org.resistancecds.knowledge.terminology.CitationCatalog;
import org.resistancecds.knowledge.terminology.FindingMechanismMap;
import org.resistancecds.knowledge.terminology.GeneMechanismMap;
import org.resistancecds.knowledge.terminology.IciAgentTable;
import org.resistancecds.knowledge.terminology.ResistanceCriteria;
import org.resistancecds.knowledge.terminology.ResponseCategoryMap;
import org.resistancecds.knowledge.terminology.StrategyEvidence;
import org.resistancecds.knowledge.terminology.VariantEffectTable;

/**
 * Reads the knowledge from the classpath ({@code content/terminology}, {@code content/knowledge}) and compiles it
 * into a {@link KnowledgeBase}. Anything missing, malformed or inconsistent fails here, at start, with a message
 * naming the resource. Retired resources are left out, as if withdrawn.
 */
public final class KnowledgeLoader {

    private static final List<String> FOLDERS = List.of("terminology", "knowledge");

    private KnowledgeLoader() {}

    public static KnowledgeBase load(FhirContext fhirContext) {
        ContentReader reader = new ContentReader(fhirContext);
        List<IBaseResource> resources = new ArrayList<>();
        for (String folder : FOLDERS) {
            reader.read(folder).stream().map(ContentFile::resource).forEach(resources::add);
        }
        return load(fhirContext, resources);
    }

    public static KnowledgeBase load(FhirContext fhirContext, List<IBaseResource> resources) {
        Map<String, MetadataResource> byUrl = new HashMap<>();
        List<PlanDefinition> plans = new ArrayList<>();
        Map<String, ActivityTemplate> activities = new HashMap<>();
        for (IBaseResource resource : resources) {
            // Retired is how FHIR withdraws knowledge: it is kept for the record and no longer applied.
            if (resource instanceof MetadataResource canonical
                    && canonical.getStatus() == Enumerations.PublicationStatus.RETIRED) {
                continue;
            }
            if (resource instanceof MetadataResource canonical && canonical.hasUrl()) {
                if (byUrl.put(canonical.getUrl(), canonical) != null) {
                    throw new KnowledgeException("Two resources share the canonical URL " + canonical.getUrl());
                }
            }
            if (resource instanceof PlanDefinition plan) {
                plans.add(plan);
            } else if (resource instanceof ActivityDefinition activity) {
                activities.put(activity.getUrl(), ActivityTemplate.of(activity));
            }
        }
        GeneMechanismMap genes = GeneMechanismMap.from(find(byUrl, KnowledgeCodes.GENE_MAP, ConceptMap.class));
        CitationCatalog citations = CitationCatalog.from(find(byUrl, KnowledgeCodes.CITATION_LIBRARY, Library.class));
        ExpressionEngine expressions = new ExpressionEngine(fhirContext);
        PlanCompiler compiler = new PlanCompiler(expressions, citations, Map.copyOf(activities),
                StrategyEvidence.from(find(byUrl, KnowledgeCodes.STRATEGY_SYSTEM, CodeSystem.class)));
        List<CompiledPlan> compiled = plans.stream()
                .sorted(java.util.Comparator.comparing(PlanDefinition::getUrl))
                .map(compiler::compile)
                .toList();
        return new KnowledgeBase(
                genes,
                FindingMechanismMap.from(find(byUrl, KnowledgeCodes.FINDING_MAP, ConceptMap.class)),
                VariantEffectTable.from(find(byUrl, KnowledgeCodes.VARIANT_EFFECT_MAP, ConceptMap.class)),
                IciAgentTable.from(find(byUrl, KnowledgeCodes.ICI_AGENT_MAP, ConceptMap.class)),
                ResponseCategoryMap.from(find(byUrl, KnowledgeCodes.RESPONSE_MAP, ConceptMap.class)),
                ResistanceCriteria.from(find(byUrl, KnowledgeCodes.CRITERIA_LIBRARY, Library.class)),
                citations,
                compiled,
                expressions,
                SerialCriteria.from(find(byUrl, KnowledgeCodes.SERIAL_CRITERIA_LIBRARY, Library.class)),
                DynamicsConfidenceMap.from(find(byUrl, KnowledgeCodes.DYNAMICS_MAP, ConceptMap.class)),
                watchGenes(find(byUrl, KnowledgeCodes.RESISTANCE_GENES_VALUE_SET, ValueSet.class), genes));
    }

    /** Genes of the review's list that the gene map links to no mechanism. */
    private static java.util.Set<String> watchGenes(ValueSet genes, GeneMechanismMap map) {
        java.util.Set<String> watched = new java.util.HashSet<>();
        for (ValueSet.ConceptSetComponent include : genes.getCompose().getInclude()) {
            for (ValueSet.ConceptReferenceComponent concept : include.getConcept()) {
                if (map.rulesFor(concept.getCode()).isEmpty()) {
                    watched.add(concept.getCode());
                }
            }
        }
        return watched;
    }

    private static <T extends MetadataResource> T find(Map<String, MetadataResource> byUrl, String url, Class<T> type) {
        MetadataResource resource = byUrl.get(url);
        if (!type.isInstance(resource)) {
            throw new KnowledgeException("Knowledge resource " + url + " (" + type.getSimpleName() + ") is missing "
                    + "(or retired)");
        }
        return type.cast(resource);
    }
}
