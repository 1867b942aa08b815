package org.resistancecds.knowledge.record;

import java.util.Map;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Specimen;
import org.resistancecds.knowledge.terminology.TerminologySystems;

/** Plasma (ctDNA) or tissue, from a Specimen's SNOMED CT type: how the serial analysis tells liquid from tissue biopsy. */
final class SpecimenKinds {

    /** SNOMED CT specimen types: plasma, serum, blood, venous blood -> plasma; tissue specimen -> tissue. */
    private static final Map<String, String> BY_SNOMED = Map.of(
            "119361006", "plasma",
            "119364003", "plasma",
            "119297000", "plasma",
            "122555007", "plasma",
            "119376003", "tissue");

    private SpecimenKinds() {}

    static String of(Specimen specimen) {
        for (Coding coding : specimen.getType().getCoding()) {
            if (TerminologySystems.SNOMED.equals(coding.getSystem()) && BY_SNOMED.containsKey(coding.getCode())) {
                return BY_SNOMED.get(coding.getCode());
            }
        }
        return null;
    }
}
