package org.resistancecds.cohort;

import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;

/**
 * One generated patient: its transaction Bundle, the Patient entry's fullUrl, the date at which its record should
 * be evaluated (the archetype's evaluation date moved with the patient's dates) and what the engine should say.
 */
public record CohortPatient(
        String key, Archetype archetype, LocalDate asOf, Coding agent, String patientFullUrl, Bundle transaction) {

    public int resourceCount() {
        return transaction.getEntry().size();
    }

    /**
     * The transactions of several patients as one: fewer, larger transactions load faster (one commit for many
     * patients), and the patients' entries cannot collide because every fullUrl is a fresh urn:uuid.
     */
    public static Bundle oneTransaction(List<CohortPatient> patients) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (CohortPatient patient : patients) {
            patient.transaction().getEntry().forEach(entry -> bundle.addEntry(entry.copy()));
        }
        return bundle;
    }
}
