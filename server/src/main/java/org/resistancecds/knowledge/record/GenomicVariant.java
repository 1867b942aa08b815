package org.resistancecds.knowledge.record;

import java.util.Set;

/**
 * A genomic variant as reported (Genomics Reporting STU3 or 2.0, mCODE STU4), before interpretation.
 *
 * @param geneCode HGNC id when known ({@code HGNC:6190}), else null
 * @param geneSymbol symbol when known
 * @param proteinChange normalised p.HGVS (three-letter codes, no reference sequence), or null
 * @param dnaChange c.HGVS as reported, or null
 * @param consequences Sequence Ontology codes stated for the variant (consequence, change type, effect)
 * @param aminoAcidChangeTypes LOINC answers of 48006-1 (amino acid change type)
 * @param copyNumber copy number (82155-3), or null
 * @param origin somatic, germline or unknown (48002-0)
 * @param preliminary the Observation was preliminary
 * @param present the report says the variant was found (false: reported as not present, used for serial analysis)
 * @param date the day of the result (effective, else issued), or null
 * @param alleleFrequency sample variant allele frequency (81258-6) in percent, or null
 * @param sample {@code plasma} (ctDNA), {@code tissue}, or null when the report does not say
 */
public record GenomicVariant(
        String geneCode,
        String geneSymbol,
        String proteinChange,
        String dnaChange,
        Set<String> consequences,
        Set<String> aminoAcidChangeTypes,
        Double copyNumber,
        Origin origin,
        boolean preliminary,
        String source,
        boolean present,
        java.time.LocalDate date,
        Double alleleFrequency,
        String sample) {

    /** Where the variant comes from: only somatic (tumour) variants can be acquired mechanisms. */
    public enum Origin {
        SOMATIC,
        GERMLINE,
        UNKNOWN
    }

    public GenomicVariant {
        consequences = Set.copyOf(consequences);
        aminoAcidChangeTypes = Set.copyOf(aminoAcidChangeTypes);
    }

    /** Whether the sample showed the variant: reported present, with an allele frequency above zero if one is given. */
    public boolean detected() {
        return present && (alleleFrequency == null || alleleFrequency > 0);
    }

    /** Gene and change for messages, e.g. {@code STK11 p.Gln37Ter}. */
    public String label() {
        String gene = geneSymbol != null ? geneSymbol : geneCode != null ? geneCode : "unknown gene";
        String change = proteinChange != null ? proteinChange : dnaChange;
        if (change == null && copyNumber != null) {
            change = "copy number " + (copyNumber % 1 == 0 ? String.valueOf(copyNumber.intValue()) : copyNumber);
        }
        return change == null ? gene : gene + " " + change;
    }
}
