package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class PatientCompartmentTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void theOwnersAreThePatientsOnThisServerTheResourceRefersTo() {
        Observation observation = new Observation().setSubject(new Reference("Patient/p1"));
        observation.addPerformer(new Reference("Patient/p2"));

        assertThat(PatientCompartment.owners(FHIR, observation)).containsExactlyInAnyOrder("p1", "p2");
        assertThat(PatientCompartment.owners(FHIR, new MedicationAdministration()
                .setSubject(new Reference("Patient/p3")))).containsExactly("p3");
    }

    @Test
    void aPatientOnAnotherServerIsNotOneOfOurs() {
        Observation observation = new Observation().setSubject(new Reference("https://other.example/fhir/Patient/p1"));

        assertThat(PatientCompartment.owners(FHIR, observation)).isEmpty();
    }

    @Test
    void aTypeOutsideThePatientCompartmentHasNoOwners() {
        assertThat(PatientCompartment.applies(FHIR, new Medication())).isFalse();
        assertThat(PatientCompartment.owners(FHIR, new Medication())).isEmpty();
        assertThat(PatientCompartment.applies(FHIR, new Observation())).isTrue();
        assertThat(PatientCompartment.owners(FHIR, new Observation())).isEmpty();
    }
}
