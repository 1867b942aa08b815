package org.resistancecds.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Specimen;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledge.KnowledgeCodes;

class ChangedPatientsTest {

    @Test
    void aSubjectOnAnotherServerIsNotOneOfOurPatients() {
        Observation elsewhere = MonitoringData.response("p1", "o1", "2024-01-01", "PD");
        elsewhere.setSubject(new Reference("http://other.example.org/fhir/Patient/p1"));

        assertThat(ChangedPatients.patientOf(elsewhere)).isEmpty();
        assertThat(ChangedPatients.patientOf(MonitoringData.response("p1", "o1", "2024-01-01", "PD"))).contains("p1");
    }

    /** The serial analysis reads a sample's kind (plasma or tissue) from its Specimen. */
    @Test
    void aSpecimenChangesItsPatientsAssessment() {
        Specimen specimen = new Specimen();
        specimen.setSubject(new Reference("Patient/p2"));

        assertThat(ChangedPatients.patientOf(specimen)).contains("p2");
    }

    @Test
    void ourOwnAssessmentsChangeNoOne() {
        Observation assessment = MonitoringData.response("p3", "o3", "2024-01-01", "PD");
        assessment.getCode().getCodingFirstRep().setSystem(KnowledgeCodes.BIOMARKER_SYSTEM)
                .setCode(KnowledgeCodes.STATUS_ASSESSMENT_CODE);

        assertThat(ChangedPatients.patientOf(assessment)).isEmpty();
    }

    /** The server maintains its assessments: one a client deleted is stored again by its patient's re-evaluation. */
    @Test
    void aDeletedAssessmentOfOursReassessesItsPatientAndAnUpdatedOneNoOne() {
        Observation assessment = MonitoringData.response("p4", KnowledgeCodes.STATUS_ID_PREFIX + "p4", "2024-01-01", "PD");
        assessment.getCode().getCodingFirstRep().setSystem(KnowledgeCodes.BIOMARKER_SYSTEM)
                .setCode(KnowledgeCodes.STATUS_ASSESSMENT_CODE);
        ChangedPatients changed = new ChangedPatients(null);

        assertThat(changed.ofDeleted(assessment)).containsExactly("p4");
        assertThat(changed.ofUpdated(assessment, assessment)).isEmpty();
        assertThat(changed.ofCreated(assessment)).isEmpty();

        // A client's own assessment under another id is its own to delete.
        assessment.setId("own-assessment");
        assertThat(changed.ofDeleted(assessment)).isEmpty();
    }
}
