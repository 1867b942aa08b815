package org.resistancecds.knowledge.record;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.record.GenomicVariant.Origin;
import org.resistancecds.knowledge.terminology.GeneMechanismMap;
import org.resistancecds.knowledge.terminology.ProteinChange;
import org.resistancecds.knowledge.terminology.TerminologySystems;

/**
 * Reads a Genomics Reporting variant Observation (LOINC 69548-6). Components are recognised by their LOINC
 * code, so the slice names of GR STU3, GR 2.0 and mCODE STU4 all work; any Sequence Ontology coding in a
 * component (consequence, change type, functional effect) is kept.
 */
public final class VariantReader {

    private static final Map<String, String> LOCAL_FUNCTIONAL_IMPACT =
            Map.of("loss-of-function", "SO:0002054", "gain-of-function", "SO:0002053");

    private static final Pattern HGNC_ID = Pattern.compile("HGNC:\\d+");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z][A-Za-z0-9\\-]*");

    private final GeneMechanismMap genes;

    public VariantReader(GeneMechanismMap genes) {
        this.genes = genes;
    }

    /**
     * The variant, present or reported absent (absent ones feed only the serial analysis).
     *
     * @param specimenKinds sample kind ({@code plasma}, {@code tissue}) of the Specimens in the record, by reference
     */
    Optional<GenomicVariant> read(Observation observation, boolean preliminary, java.time.LocalDate date,
            Map<String, String> specimenKinds, List<String> notes) {
        String ref = References.of(observation);
        boolean present = true;
        if (observation.getValue() instanceof CodeableConcept value
                && value.getCoding().stream().anyMatch(c -> TerminologySystems.LOINC.equals(c.getSystem()))
                && !PatientRecordReader.hasCode(value, TerminologySystems.LOINC, RecordCodes.PRESENT)) {
            notes.add(ref + " not counted: the variant is reported as not present");
            present = false;
        }
        Double alleleFrequency = null;
        Gene gene = null;
        String protein = null;
        String dna = null;
        Double copyNumber = null;
        Origin origin = Origin.UNKNOWN;
        Set<String> consequences = new HashSet<>();
        Set<String> changeTypes = new HashSet<>();
        for (ObservationComponentComponent component : observation.getComponent()) {
            CodeableConcept code = component.getCode();
            Type value = component.getValue();
            collectSequenceOntology(value, consequences);
            if (has(code, RecordCodes.GENE_STUDIED)) {
                gene = gene(value);
            } else if (has(code, RecordCodes.PROTEIN_HGVS)) {
                protein = ProteinChange.normalise(text(value));
            } else if (has(code, RecordCodes.DNA_HGVS)) {
                dna = text(value);
            } else if (has(code, RecordCodes.ALLELE_FREQUENCY)) {
                alleleFrequency = percent(value);
            } else if (has(code, RecordCodes.COPY_NUMBER)) {
                copyNumber = number(value);
            } else if (has(code, RecordCodes.GENOMIC_SOURCE_CLASS)) {
                origin = origin(value);
            } else if (has(code, RecordCodes.AMINO_ACID_CHANGE_TYPE) && value instanceof CodeableConcept concept) {
                concept.getCoding().stream()
                        .filter(c -> TerminologySystems.LOINC.equals(c.getSystem()))
                        .forEach(c -> changeTypes.add(c.getCode()));
            }
        }
        if (gene == null) {
            if (present) {
                notes.add(ref + " not counted: variant without a gene studied (48018-6)");
            }
            return Optional.empty();
        }
        return Optional.of(new GenomicVariant(gene.code(), gene.symbol(), protein, dna, consequences, changeTypes,
                copyNumber, origin, preliminary, ref, present, date, alleleFrequency, sample(observation, specimenKinds)));
    }

    private record Gene(String code, String symbol) {}

    /** HGNC id (with or without prefix under geneId) or symbol, as code, display or text. */
    private Gene gene(Type value) {
        if (!(value instanceof CodeableConcept concept)) {
            return null;
        }
        for (Coding coding : concept.getCoding()) {
            if (!TerminologySystems.isHgnc(coding.getSystem()) || coding.getCode() == null) {
                continue;
            }
            String code = coding.getCode().strip();
            if (HGNC_ID.matcher(code).matches()) {
                return new Gene(code, symbol(code, coding.getDisplay()));
            }
            // MII systems may send the bare number; under genenames.org a bare number could be a gene group.
            if (NUMBER.matcher(code).matches() && TerminologySystems.HGNC_GENE_ID.equals(coding.getSystem())) {
                return new Gene("HGNC:" + code, symbol("HGNC:" + code, coding.getDisplay()));
            }
            if (SYMBOL.matcher(code).matches()) {
                return bySymbol(code);
            }
        }
        for (Coding coding : concept.getCoding()) {
            if (coding.hasDisplay() && SYMBOL.matcher(coding.getDisplay().strip()).matches()) {
                return bySymbol(coding.getDisplay().strip());
            }
        }
        return concept.hasText() && SYMBOL.matcher(concept.getText().strip()).matches()
                ? bySymbol(concept.getText().strip())
                : null;
    }

    private Gene bySymbol(String symbol) {
        return new Gene(genes.codeForSymbol(symbol).orElse(null), symbol.toUpperCase(java.util.Locale.ROOT));
    }

    private String symbol(String code, String display) {
        return genes.symbolFor(code).orElse(display);
    }

    private static Origin origin(Type value) {
        if (value instanceof CodeableConcept concept) {
            if (PatientRecordReader.hasCode(concept, TerminologySystems.LOINC, RecordCodes.GERMLINE)) {
                return Origin.GERMLINE;
            }
            if (PatientRecordReader.hasCode(concept, TerminologySystems.LOINC, RecordCodes.SOMATIC)) {
                return Origin.SOMATIC;
            }
        }
        return Origin.UNKNOWN;
    }

    /**
     * Sequence Ontology codes, and our local functional-impact answers translated to their SO terms
     * (loss-of-function SO:0002054, gain-of-function SO:0002053), so that both read as explicit annotations.
     */
    private static void collectSequenceOntology(Type value, Set<String> into) {
        if (value instanceof CodeableConcept concept) {
            for (Coding coding : concept.getCoding()) {
                if (TerminologySystems.isSequenceOntology(coding.getSystem()) && coding.hasCode()) {
                    into.add(coding.getCode());
                } else if (KnowledgeCodes.BIOMARKER_SYSTEM.equals(coding.getSystem())) {
                    String so = LOCAL_FUNCTIONAL_IMPACT.get(coding.getCode());
                    if (so != null) {
                        into.add(so);
                    }
                }
            }
        }
    }

    private static String text(Type value) {
        if (value instanceof CodeableConcept concept) {
            return concept.getCoding().stream()
                    .filter(Coding::hasCode)
                    .map(Coding::getCode)
                    .findFirst()
                    .orElse(concept.getText());
        }
        return value instanceof StringType string ? string.getValue() : null;
    }

    /** Allele frequency in percent: UCUM {@code %} as is, a fraction ({@code 1} or no unit, at most 1) times 100. */
    private static Double percent(Type value) {
        if (!(value instanceof Quantity quantity) || !quantity.hasValue()) {
            return null;
        }
        double amount = quantity.getValue().doubleValue();
        boolean isPercent = "%".equals(quantity.getCode()) || "%".equals(quantity.getUnit());
        return isPercent || amount > 1 ? amount : amount * 100;
    }

    /**
     * Plasma (ctDNA) or tissue, from the method (diagnostic-method CodeSystem) or the referenced Specimen's type.
     */
    private static String sample(Observation observation, Map<String, String> specimenKinds) {
        for (Coding coding : observation.getMethod().getCoding()) {
            if (KnowledgeCodes.DIAGNOSTIC_METHOD_SYSTEM.equals(coding.getSystem())) {
                String kind = METHOD_SAMPLE.get(coding.getCode());
                if (kind != null) {
                    return kind;
                }
            }
        }
        if (observation.hasSpecimen() && observation.getSpecimen().hasReference()) {
            return specimenKinds.get(observation.getSpecimen().getReference());
        }
        return null;
    }

    private static final Map<String, String> METHOD_SAMPLE =
            Map.of("liquid-biopsy-ctdna", "plasma", "tissue-ngs", "tissue");

    private static Double number(Type value) {
        if (value instanceof Quantity quantity && quantity.hasValue()) {
            return quantity.getValue().doubleValue();
        }
        return value instanceof IntegerType integer && integer.hasValue() ? integer.getValue().doubleValue() : null;
    }

    private static boolean has(CodeableConcept code, String loinc) {
        return PatientRecordReader.hasCode(code, TerminologySystems.LOINC, loinc);
    }
}
