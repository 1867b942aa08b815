package org.resistancecds.knowledge.mechanism;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.resistancecds.knowledge.record.GenomicVariant;
import org.resistancecds.knowledge.terminology.FunctionalEffect;
import org.resistancecds.knowledge.terminology.ProteinChange;
import org.resistancecds.knowledge.terminology.VariantEffectTable;

/**
 * Decides what a variant does to its gene, only from what the data show: an explicit functional annotation,
 * a change listed with an established effect, a truncating p.HGVS, a canonical splice-site c.HGVS, a truncating
 * Sequence Ontology consequence or LOINC change type, or copy-number loss. Anything else, missense included,
 * has an unknown effect.
 */
public final class VariantInterpreter {

    /** Sequence Ontology consequences that destroy the gene product. */
    private static final Map<String, String> TRUNCATING_CONSEQUENCES = Map.of(
            "SO:0001587", "stop_gained",
            "SO:0001589", "frameshift_variant",
            "SO:0001574", "splice_acceptor_variant",
            "SO:0001575", "splice_donor_variant",
            "SO:0002012", "start_lost",
            "SO:0001893", "transcript_ablation");
    private static final String SO_MISSENSE = "SO:0001583";

    /** LOINC 48006-1 answers (LL380-7) that destroy the gene product; "Stop codon mutation" may be stop loss. */
    private static final Map<String, String> TRUNCATING_CHANGE_TYPES = Map.of(
            "LA6699-8", "nonsense",
            "LA6694-9", "frameshift",
            "LA6695-6", "initiating methionine (start loss)");
    private static final String LOINC_MISSENSE = "LA6698-0";
    private static final String LOINC_SILENT = "LA6700-4";

    /** Intronic position +1, +2, -1 or -2: the canonical splice donor or acceptor. */
    private static final Pattern CANONICAL_SPLICE = Pattern.compile("c\\.[-*]?\\d+[+-][12](?!\\d).*");

    private final VariantEffectTable knownEffects;

    public VariantInterpreter(VariantEffectTable knownEffects) {
        this.knownEffects = knownEffects;
    }

    public VariantInterpretation interpret(GenomicVariant variant) {
        for (String code : variant.consequences()) {
            Optional<FunctionalEffect> annotated = FunctionalEffect.fromSequenceOntology(code);
            if (annotated.isPresent()) {
                return new VariantInterpretation(annotated.get(), "annotated as " + annotated.get().label() + " (" + code + ")");
            }
        }
        String protein = variant.proteinChange();
        Optional<FunctionalEffect> known = knownEffects.effectOf(variant.geneCode(), protein);
        if (known.isPresent()) {
            return new VariantInterpretation(known.get(), protein + " is an established " + known.get().label() + " change");
        }
        if (ProteinChange.isTruncating(protein)) {
            return lossOfFunction("truncating change " + protein + (protein.contains("fs") ? " (frameshift)" : " (nonsense)"));
        }
        if (ProteinChange.isStartLoss(protein)) {
            return lossOfFunction("start-codon loss " + protein);
        }
        for (String code : variant.consequences()) {
            if (TRUNCATING_CONSEQUENCES.containsKey(code)) {
                return lossOfFunction("Sequence Ontology consequence " + TRUNCATING_CONSEQUENCES.get(code) + " (" + code + ")");
            }
        }
        for (String code : variant.aminoAcidChangeTypes()) {
            if (TRUNCATING_CHANGE_TYPES.containsKey(code)) {
                return lossOfFunction("amino acid change type " + TRUNCATING_CHANGE_TYPES.get(code) + " (" + code + ")");
            }
        }
        if (variant.dnaChange() != null && CANONICAL_SPLICE.matcher(variant.dnaChange().replaceFirst("^.*:", "")).matches()) {
            return lossOfFunction("canonical splice-site change " + variant.dnaChange());
        }
        if (variant.copyNumber() != null && variant.copyNumber() < 2) {
            return lossOfFunction(variant.copyNumber() == 0 ? "homozygous deletion (copy number 0)" : "copy-number loss");
        }
        if (ProteinChange.isSynonymous(protein) || variant.aminoAcidChangeTypes().contains(LOINC_SILENT)) {
            return new VariantInterpretation(FunctionalEffect.NONE, "synonymous change");
        }
        if (ProteinChange.isMissense(protein) || variant.consequences().contains(SO_MISSENSE)
                || variant.aminoAcidChangeTypes().contains(LOINC_MISSENSE)) {
            return new VariantInterpretation(FunctionalEffect.UNKNOWN, "missense change of unknown function");
        }
        if (variant.copyNumber() != null && variant.copyNumber() > 2) {
            return new VariantInterpretation(FunctionalEffect.UNKNOWN, "copy-number gain (effect on function not shown)");
        }
        return new VariantInterpretation(FunctionalEffect.UNKNOWN, "effect not shown by the data");
    }

    private static VariantInterpretation lossOfFunction(String basis) {
        return new VariantInterpretation(FunctionalEffect.LOSS_OF_FUNCTION, basis);
    }
}
