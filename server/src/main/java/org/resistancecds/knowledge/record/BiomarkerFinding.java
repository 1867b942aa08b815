package org.resistancecds.knowledge.record;

import java.util.Set;

/**
 * An expression biomarker, tumour-microenvironment finding or radiomics phenotype coded in the
 * resistance-biomarker CodeSystem.
 *
 * @param code the finding's code, e.g. {@code treg-infiltration}
 * @param interpretations HL7 v3 interpretation codes stated for it (H, L, POS, NEG...), from
 *     {@code interpretation}, a coded value or a boolean value
 * @param valueCode a coded value in the resistance-biomarker CodeSystem (e.g. {@code excluded}), or null
 */
public record BiomarkerFinding(
        String code, String display, Set<String> interpretations, String valueCode, boolean preliminary, String source) {

    public BiomarkerFinding {
        interpretations = Set.copyOf(interpretations);
    }
}
