package org.resistancecds.knowledge.terminology;

import java.util.Set;

/** External code system URIs, with the aliases real systems send. */
public final class TerminologySystems {

    public static final String LOINC = "http://loinc.org";
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public static final String ATC = "http://www.whocc.no/atc";
    /** HGNC as Genomics Reporting and mCODE use it; the German MII guides use {@link #HGNC_GENE_ID}. */
    public static final String HGNC = "http://www.genenames.org";
    public static final String HGNC_GENE_ID = "http://www.genenames.org/geneId";
    public static final String SEQUENCE_ONTOLOGY = "http://www.sequenceontology.org";
    public static final String HGVS = "http://varnomen.hgvs.org";
    public static final String V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    public static final String UCUM = "http://unitsofmeasure.org";
    public static final String CQF_DEFAULT_VALUE = "http://hl7.org/fhir/StructureDefinition/cqf-defaultValue";

    private static final Set<String> HGNC_ALIASES = Set.of(HGNC, HGNC_GENE_ID, "http://www.genenames.org/");
    private static final Set<String> SO_ALIASES =
            Set.of(SEQUENCE_ONTOLOGY, "http://sequenceontology.org", "http://www.sequenceontology.org/");

    private TerminologySystems() {}

    public static boolean isHgnc(String system) {
        return system != null && HGNC_ALIASES.contains(system);
    }

    public static boolean isSequenceOntology(String system) {
        return system != null && SO_ALIASES.contains(system);
    }
}
