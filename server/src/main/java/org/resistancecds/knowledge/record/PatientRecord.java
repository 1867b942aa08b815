package org.resistancecds.knowledge.record;

import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * A typed, read-only view of one patient's resources: what the resistance definitions and mechanism rules
 * need, already filtered (entered-in-error, cancelled and other patients' data removed).
 *
 * @param asOf the day the evaluation speaks for; later data are left out
 * @param exposures ICI exposure, in order of start
 * @param assessments response assessments, in date order
 * @param notes what was left out and why, for the reasons of a verdict
 * @param usable the resources that counted, exposed to knowledge conditions as {@code %record}
 * @param absentVariants variants reported as not present (with a gene): they count only as negative results in the
 *     serial analysis
 */
public record PatientRecord(
        String patientId,
        LocalDate asOf,
        List<IciExposure> exposures,
        List<ResponseAssessment> assessments,
        List<GenomicVariant> variants,
        List<ResistanceAnnotation> annotations,
        List<BiomarkerFinding> findings,
        List<String> notes,
        List<Resource> usable,
        List<GenomicVariant> absentVariants) {

    public PatientRecord {
        exposures = List.copyOf(exposures);
        assessments = List.copyOf(assessments);
        variants = List.copyOf(variants);
        annotations = List.copyOf(annotations);
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
        usable = List.copyOf(usable);
        absentVariants = List.copyOf(absentVariants);
    }

    /** Exposure to PD-1 or PD-L1 blockade, the exposure the definitions are about. */
    public List<IciExposure> pd1AxisExposures() {
        return exposures.stream().filter(e -> e.agent().blocksPd1Axis()).toList();
    }
}
