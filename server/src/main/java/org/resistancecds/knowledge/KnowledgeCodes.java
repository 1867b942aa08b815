package org.resistancecds.knowledge;

import java.util.List;
import java.util.Set;

/**
 * Canonical URLs and codes of our own content that the engine reads or emits, kept in one place so that they
 * can be reconciled with the terminology and profiles in one look.
 */
public final class KnowledgeCodes {

    /**
     * The resource types the knowledge is compiled from (ValueSets name genes; the strategy CodeSystem bounds
     * evidence levels); their writes take turns (KnowledgeWriteLock).
     */
    public static final List<String> KNOWLEDGE_TYPES =
            List.of("CodeSystem", "ValueSet", "ConceptMap", "Library", "ActivityDefinition", "PlanDefinition");

    public static final String BASE = "https://resistance-cds.org/fhir";

    public static final String MECHANISM_SYSTEM = BASE + "/CodeSystem/resistance-mechanism";
    public static final String STATUS_SYSTEM = BASE + "/CodeSystem/acquired-resistance-status";
    public static final String EVIDENCE_LEVEL_SYSTEM = BASE + "/CodeSystem/evidence-level";
    public static final String CONFIDENCE_SYSTEM = BASE + "/CodeSystem/mechanism-confidence";
    /** Where an assessment cites evidence that R4's Observation.derivedFrom cannot name (medication exposure). */
    public static final String SUPPORTING_INFO = "http://hl7.org/fhir/StructureDefinition/workflow-supportingInfo";
    public static final String RESPONSE_SYSTEM = BASE + "/CodeSystem/response-category";
    public static final String BIOMARKER_SYSTEM = BASE + "/CodeSystem/resistance-biomarker";
    public static final String STRATEGY_SYSTEM = BASE + "/CodeSystem/resistance-strategy";
    public static final String DIAGNOSTIC_METHOD_SYSTEM = BASE + "/CodeSystem/diagnostic-method";

    public static final String STATUS_PROFILE = BASE + "/StructureDefinition/acquired-resistance-status";
    public static final String MECHANISM_PROFILE = BASE + "/StructureDefinition/resistance-mechanism-assessment";

    /** Observation.code of the derived status Observation (resistance-biomarker CodeSystem). */
    public static final String STATUS_ASSESSMENT_CODE = "acquired-resistance-status-assessment";
    /** Observation.code of a derived mechanism assessment (resistance-biomarker CodeSystem). */
    public static final String MECHANISM_ASSESSMENT_CODE = "mechanism-assessment";
    /** Component code carrying the overall confidence of a mechanism assessment (resistance-biomarker CodeSystem). */
    public static final String CONFIDENCE_COMPONENT_CODE = "mechanism-confidence";

    /** Extension on a disease-status Observation carrying the RECIST / iRECIST category (ici-response-assessment). */
    public static final String RESPONSE_CATEGORY_EXTENSION = BASE + "/StructureDefinition/response-category";

    /** Explicit functional annotation of a variant (resistance-variant component functional-impact). */
    public static final String FUNCTIONAL_IMPACT_CODE = "functional-impact";

    /** Extension on a PlanDefinition action: its evidence level (valueCodeableConcept, evidence-level CodeSystem). */
    public static final String EVIDENCE_LEVEL_EXTENSION = BASE + "/StructureDefinition/evidence-level";

    public static final String GENE_MAP = BASE + "/ConceptMap/gene-to-mechanism";
    public static final String FINDING_MAP = BASE + "/ConceptMap/finding-to-mechanism";
    public static final String VARIANT_EFFECT_MAP = BASE + "/ConceptMap/variant-functional-effect";
    public static final String ICI_AGENT_MAP = BASE + "/ConceptMap/ici-agent-target";
    public static final String RESPONSE_MAP = BASE + "/ConceptMap/response-to-category";
    public static final String CRITERIA_LIBRARY = BASE + "/Library/acquired-resistance-criteria";
    public static final String CITATION_LIBRARY = BASE + "/Library/resistance-citations";

    /** ConceptMap dependsOn / product properties used by our maps. */
    public static final String PROPERTY_FUNCTIONAL_EFFECT = BASE + "/property/functional-effect";
    public static final String PROPERTY_INTERPRETATION = BASE + "/property/interpretation";
    public static final String PROPERTY_VALUE = BASE + "/property/value";
    public static final String PROPERTY_GENE = BASE + "/property/gene";
    public static final String PROPERTY_CONFIDENCE_CEILING = BASE + "/property/confidence-ceiling";
    public static final String PROPERTY_CONFIDENCE_STEP = BASE + "/property/confidence-step";
    public static final String PROPERTY_EFFECT_SHOWN = BASE + "/property/effect-shown";

    public static final String VARIANT_DYNAMICS_SYSTEM = BASE + "/CodeSystem/variant-dynamics";
    public static final String DYNAMICS_MAP = BASE + "/ConceptMap/variant-dynamics-confidence";
    public static final String SERIAL_CRITERIA_LIBRARY = BASE + "/Library/serial-variant-criteria";
    /** The genes the review names; those without a gene-to-mechanism entry are watched when they emerge. */
    public static final String RESISTANCE_GENES_VALUE_SET = BASE + "/ValueSet/resistance-genes";

    /** Evidence level of approved therapy or guideline standard care. */
    public static final String EVIDENCE_APPROVED = "approved";
    /** Evidence level of expert consensus definitions (classification and work-up), which approve no therapy. */
    public static final String EVIDENCE_CONSENSUS = "consensus";
    /** The codes of the evidence-level CodeSystem, weakest first. */
    public static final List<String> EVIDENCE_LEVELS = List.of("preclinical", EVIDENCE_CONSENSUS, "observational",
            "early-phase-trial", "late-phase-trial", EVIDENCE_APPROVED);
    /**
     * Levels that do not make an action investigational: approved care, and advice that rests on the consensus
     * definitions (confirm progression, do not simply continue the agent). Every other level does.
     */
    public static final Set<String> NOT_INVESTIGATIONAL_LEVELS = Set.of(EVIDENCE_APPROVED, EVIDENCE_CONSENSUS);

    /** Id prefixes of the assessments the engine derives (kept even when a long id is shortened). */
    public static final String STATUS_ID_PREFIX = "resistance-status-";
    public static final String MECHANISM_ID_PREFIX = "resistance-mechanism-";

    private KnowledgeCodes() {}

    /** Whether an Observation id is one the engine gives its derived assessments. */
    public static boolean isDerivedAssessmentId(String id) {
        return id != null && (id.startsWith(STATUS_ID_PREFIX) || id.startsWith(MECHANISM_ID_PREFIX));
    }
}
