package org.resistancecds.assessment;

import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * The results an assessment cites: its {@code derivedFrom}, and the workflow-supportingInfo extensions the engine
 * writes for evidence that {@code derivedFrom} cannot name in R4 (a MedicationStatement, for one).
 */
final class Citations {

    private Citations() {
    }

    static Set<String> of(Observation assessment) {
        Set<String> cited = new TreeSet<>();
        assessment.getDerivedFrom().forEach(reference -> cited.add(reference.getReference()));
        for (Extension extension : assessment.getExtensionsByUrl(KnowledgeCodes.SUPPORTING_INFO)) {
            if (extension.getValue() instanceof Reference reference) {
                cited.add(reference.getReference());
            }
        }
        return cited;
    }

    /** Drops the citations of results not in {@code record}, in place. */
    static void keepOnly(Observation assessment, Set<String> record) {
        assessment.getDerivedFrom().removeIf(cited -> !record.contains(cited.getReference()));
        assessment.getExtension().removeIf(extension -> KnowledgeCodes.SUPPORTING_INFO.equals(extension.getUrl())
                && extension.getValue() instanceof Reference reference && !record.contains(reference.getReference()));
    }
}
