package org.resistancecds.knowledge.mechanism;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.mechanism.Contribution.Kind;
import org.resistancecds.knowledge.record.BiomarkerFinding;
import org.resistancecds.knowledge.record.GenomicVariant;
import org.resistancecds.knowledge.record.GenomicVariant.Origin;
import org.resistancecds.knowledge.record.PatientRecord;
import org.resistancecds.knowledge.record.ResistanceAnnotation;
import org.resistancecds.knowledge.serial.SerialAnalysis;
import org.resistancecds.knowledge.serial.VariantDynamics;
import org.resistancecds.knowledge.serial.VariantSeries;
import org.resistancecds.knowledge.terminology.DynamicsConfidenceMap;
import org.resistancecds.knowledge.terminology.DynamicsConfidenceMap.DynamicsRule;
import org.resistancecds.knowledge.terminology.Confidence;
import org.resistancecds.knowledge.terminology.FindingMechanismMap;
import org.resistancecds.knowledge.terminology.FindingMechanismMap.FindingRule;
import org.resistancecds.knowledge.terminology.FunctionalEffect;
import org.resistancecds.knowledge.terminology.GeneMechanismMap;
import org.resistancecds.knowledge.terminology.GeneMechanismMap.GeneRule;
import org.resistancecds.knowledge.terminology.MapCondition;
import org.resistancecds.knowledge.terminology.TerminologySystems;

/**
 * Infers resistance mechanisms (review Table 1) from a record, through the gene and finding ConceptMaps.
 *
 * <p>Confidence per finding: a change whose effect matches the map is {@code probable}; one whose effect the data
 * do not show (missense of unknown function included) at most {@code possible}; an opposite effect does not count.
 * A laboratory's explicit "resistant" statement makes it {@code confirmed} ("presumed resistant": probable). Preliminary
 * data count one step lower. A mechanism is {@code confirmed} also when genomic and non-genomic findings both
 * support it at {@code probable}. Germline variants are reported, never counted.
 */
public final class MechanismInferrer {

    private static final String GENE_STUDIED = "48018-6";

    private final GeneMechanismMap genes;
    private final FindingMechanismMap findings;
    private final VariantInterpreter interpreter;
    private final DynamicsConfidenceMap dynamicsMap;

    public MechanismInferrer(GeneMechanismMap genes, FindingMechanismMap findings, VariantInterpreter interpreter) {
        this(genes, findings, interpreter, null);
    }

    /** @param dynamicsMap how serial dynamics change a variant's support (null: dynamics are not used) */
    public MechanismInferrer(GeneMechanismMap genes, FindingMechanismMap findings, VariantInterpreter interpreter,
            DynamicsConfidenceMap dynamicsMap) {
        this.genes = genes;
        this.findings = findings;
        this.interpreter = interpreter;
        this.dynamicsMap = dynamicsMap;
    }

    public MechanismInference infer(PatientRecord record) {
        return infer(record, new SerialAnalysis(null, List.of()));
    }

    /** Inference with the serial analysis: the dynamics of a variant adjust its support through the dynamics map. */
    public MechanismInference infer(PatientRecord record, SerialAnalysis serial) {
        List<Contribution> contributions = new ArrayList<>();
        List<GenomicVariant> germline = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (GenomicVariant variant : record.variants()) {
            List<GeneRule> rules = genes.rulesFor(variant.geneCode());
            if (rules.isEmpty()) {
                notes.add(variant.label() + " [" + variant.source() + "]: gene not linked to a resistance mechanism; not counted.");
            } else if (variant.origin() == Origin.GERMLINE) {
                germline.add(variant);
                notes.add(variant.label() + " [" + variant.source() + "] is germline: reported, not counted as a tumour-acquired mechanism.");
            } else {
                contributeVariant(variant, rules, record.annotations(), serial.seriesOf(variant.source()).orElse(null),
                        contributions, notes);
            }
        }
        for (BiomarkerFinding finding : record.findings()) {
            contributeFinding(finding, contributions, notes);
        }
        return new MechanismInference(aggregate(contributions), List.copyOf(contributions), List.copyOf(germline),
                List.copyOf(notes));
    }

    private void contributeVariant(GenomicVariant variant, List<GeneRule> rules, List<ResistanceAnnotation> annotations,
            VariantSeries series, List<Contribution> into, List<String> notes) {
        VariantInterpretation interpretation = interpreter.interpret(variant);
        Optional<ResistanceAnnotation> annotation = annotations.stream()
                .filter(a -> sameResource(a.variant(), variant.source()))
                .findFirst();
        String label = variant.label() + " [" + variant.source() + "]";
        for (GeneRule rule : rules) {
            Confidence confidence;
            String reason;
            if (annotation.isPresent()) {
                confidence = annotation.get().presumed() ? Confidence.PROBABLE : Confidence.CONFIRMED;
                reason = label + ": the laboratory reports " + (annotation.get().presumed() ? "presumed " : "")
                        + "resistance to anti-PD-(L)1 therapy [" + annotation.get().source() + "]";
            } else if (interpretation.effect() == FunctionalEffect.NONE) {
                notes.add(label + ": " + interpretation.basis() + "; not counted.");
                continue;
            } else if (interpretation.effect() == rule.requiredEffect()) {
                confidence = Confidence.PROBABLE;
                reason = label + ": " + interpretation.basis() + ", the " + rule.requiredEffect().label()
                        + " that links " + rule.geneSymbol() + " to this mechanism";
            } else if (interpretation.effect() == FunctionalEffect.UNKNOWN) {
                confidence = Confidence.POSSIBLE;
                reason = label + ": " + interpretation.basis() + "; " + rule.requiredEffect().label()
                        + " not shown, so at most possible";
            } else {
                notes.add(label + ": " + interpretation.basis() + " is " + interpretation.effect().label() + ", but "
                        + rule.geneSymbol() + " counts only with " + rule.requiredEffect().label() + "; not counted.");
                continue;
            }
            if (variant.origin() == Origin.UNKNOWN) {
                reason += " (origin not stated; read as tumour)";
            }
            boolean effectShown = annotation.isPresent() || interpretation.effect() == rule.requiredEffect();
            if (series != null && dynamicsMap != null) {
                for (VariantDynamics dynamic : VariantDynamics.values()) {
                    if (!series.has(dynamic)) {
                        continue;
                    }
                    Optional<DynamicsRule> adjust = dynamicsMap.ruleFor(dynamic.code());
                    if (adjust.isEmpty() || (adjust.get().needsEffectShown() && !effectShown)) {
                        continue;
                    }
                    Confidence adjusted = adjust.get().apply(confidence);
                    reason += "; " + dynamic.display().toLowerCase(java.util.Locale.ROOT) + ": " + adjust.get().note()
                            + (adjusted != confidence ? " (" + confidence.code() + " -> " + adjusted.code() + ")" : "");
                    confidence = adjusted;
                }
            }
            if (variant.preliminary()) {
                confidence = confidence.downgraded();
                reason += " (preliminary report: one step lower)";
            }
            CodeableConcept gene = new CodeableConcept(
                    new Coding(TerminologySystems.HGNC, variant.geneCode(), rule.geneSymbol()));
            CodeableConcept geneStudied = new CodeableConcept(
                    new Coding(TerminologySystems.LOINC, GENE_STUDIED, "Gene studied [ID]"));
            into.add(new Contribution(rule.mechanism(), rule.mechanismDisplay(), confidence, Kind.GENOMIC, geneStudied,
                    gene, variant.source(), reason + "."));
        }
    }

    private void contributeFinding(BiomarkerFinding finding, List<Contribution> into, List<String> notes) {
        List<FindingRule> rules = findings.rulesFor(finding.code());
        if (rules.isEmpty()) {
            return;
        }
        String label = finding.display() + " [" + finding.source() + "]";
        boolean matched = false;
        for (FindingRule rule : rules) {
            if (!rule.requires().stream().allMatch(condition -> holds(condition, finding))) {
                continue;
            }
            if (into.stream().anyMatch(c -> c.source().equals(finding.source()) && c.mechanism().equals(rule.mechanism()))) {
                matched = true;
                continue;
            }
            matched = true;
            Confidence confidence = Confidence.PROBABLE.atMost(rule.ceiling());
            String reason = label + ": " + describeResult(rule) + (rule.ceiling() == Confidence.POSSIBLE ? "; this kind of finding supports at most possible" : "");
            if (finding.preliminary()) {
                confidence = confidence.downgraded();
                reason += " (preliminary report: one step lower)";
            }
            CodeableConcept code = new CodeableConcept(
                    new Coding(KnowledgeCodes.BIOMARKER_SYSTEM, finding.code(), finding.display()));
            into.add(new Contribution(rule.mechanism(), rule.mechanismDisplay(), confidence, Kind.NON_GENOMIC, code,
                    resultConcept(rule), finding.source(), reason + "."));
        }
        if (!matched) {
            notes.add(label + ": result " + finding.interpretations() + " does not indicate a resistance mechanism.");
        }
    }

    private static boolean holds(MapCondition condition, BiomarkerFinding finding) {
        if (KnowledgeCodes.PROPERTY_INTERPRETATION.equals(condition.property())) {
            return finding.interpretations().contains(condition.value());
        }
        return KnowledgeCodes.PROPERTY_VALUE.equals(condition.property()) && condition.value().equals(finding.valueCode());
    }

    private static String describeResult(FindingRule rule) {
        return rule.requires().stream()
                .map(c -> c.display() != null ? c.display() : c.value())
                .reduce((a, b) -> a + ", " + b)
                .orElse("") + " points to " + rule.mechanismDisplay().toLowerCase(java.util.Locale.ROOT);
    }

    private static CodeableConcept resultConcept(FindingRule rule) {
        MapCondition first = rule.requires().get(0);
        return new CodeableConcept(new Coding(first.system(), first.value(), first.display()));
    }

    /** Per mechanism: the strongest support, raised to confirmed when independent lines of evidence agree. */
    private static List<MechanismFinding> aggregate(List<Contribution> contributions) {
        Map<String, List<Contribution>> byMechanism = new LinkedHashMap<>();
        contributions.forEach(c -> byMechanism.computeIfAbsent(c.mechanism(), k -> new ArrayList<>()).add(c));
        List<Aggregate> aggregates = new ArrayList<>();
        byMechanism.forEach((mechanism, support) -> {
            Confidence confidence = support.stream().map(Contribution::confidence).max(Comparator.naturalOrder()).orElseThrow();
            List<String> reasons = new ArrayList<>(support.stream().map(Contribution::reason).toList());
            boolean genomic = support.stream().anyMatch(c -> c.kind() == Kind.GENOMIC && c.confidence().compareTo(Confidence.PROBABLE) >= 0);
            boolean nonGenomic = support.stream().anyMatch(c -> c.kind() == Kind.NON_GENOMIC && c.confidence().compareTo(Confidence.PROBABLE) >= 0);
            if (genomic && nonGenomic && confidence != Confidence.CONFIRMED) {
                confidence = Confidence.CONFIRMED;
                reasons.add("Genomic and non-genomic findings agree: confirmed.");
            }
            List<String> evidence = support.stream().map(Contribution::source).distinct().toList();
            aggregates.add(new Aggregate(new MechanismFinding(mechanism, support.get(0).mechanismDisplay(),
                    confidence.code(), List.copyOf(reasons), evidence), confidence));
        });
        aggregates.sort(Comparator.comparing(Aggregate::confidence).reversed()
                .thenComparing(a -> a.finding().code()));
        return aggregates.stream().map(Aggregate::finding).toList();
    }

    private record Aggregate(MechanismFinding finding, Confidence confidence) {}

    /** References match as written, or by type and id ("Observation/v1" and "http://x/fhir/Observation/v1"). */
    private static boolean sameResource(String reference, String source) {
        if (reference == null) {
            return false;
        }
        return reference.equals(source) || reference.endsWith("/" + source);
    }
}
