package org.resistancecds.cohort;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;

/** What {@code $evaluate-resistance} found for a stored patient: the resistance status and the mechanism codes. */
record StoredEvaluation(String status, Set<String> mechanisms) {

    private static final String STATUS_SYSTEM = "https://resistance-cds.org/fhir/CodeSystem/acquired-resistance-status";
    private static final String MECHANISM_SYSTEM = "https://resistance-cds.org/fhir/CodeSystem/resistance-mechanism";

    static StoredEvaluation of(IGenericClient client, String patientId, String asOf) {
        Parameters parameters = new Parameters();
        parameters.addParameter().setName("asOf").setValue(new DateTimeType(asOf));
        Bundle result = client.operation().onInstance(patientId).named("$evaluate-resistance")
                .withParameters(parameters).returnResourceType(Bundle.class).execute();
        String status = null;
        Set<String> mechanisms = new TreeSet<>();
        for (Bundle.BundleEntryComponent entry : result.getEntry()) {
            if (entry.getResource() instanceof Observation observation) {
                Coding coding = observation.getValueCodeableConcept().getCodingFirstRep();
                if (STATUS_SYSTEM.equals(coding.getSystem())) {
                    status = coding.getCode();
                } else if (MECHANISM_SYSTEM.equals(coding.getSystem())) {
                    mechanisms.add(coding.getCode());
                }
            }
        }
        return new StoredEvaluation(status, mechanisms);
    }
}
