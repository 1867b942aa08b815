package org.resistancecds.cds.prefetch;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PatientCompartmentPlanTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private static Optional<PatientCompartmentPlan> plan(String... keysAndQueries) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (int i = 0; i < keysAndQueries.length; i += 2) {
            queries.put(keysAndQueries[i], keysAndQueries[i + 1]);
        }
        return PatientCompartmentPlan.of(queries, FHIR);
    }

    @Test
    void aPatientsReadAndSearchesBecomeOneSearch() {
        PatientCompartmentPlan plan = plan(
                "patient", "Patient/p-1",
                "observations", "Observation?patient=p-1",
                "statements", "MedicationStatement?patient=Patient/p-1&_include=MedicationStatement:medication")
                .orElseThrow();

        assertThat(plan.patientId()).isEqualTo("p-1");
        assertThat(plan.keys()).containsExactly("patient", "observations", "statements");
        assertThat(plan.searches().get("statements"))
                .isEqualTo(new PatientCompartmentPlan.Search("MedicationStatement", List.of(
                        new PatientCompartmentPlan.Include("(MedicationStatement.medication as Reference)",
                                Set.of("Medication")))));
        assertThat(plan.combinedQuery()).isEqualTo("Patient?_id=p-1"
                + "&_revinclude=Observation:patient&_revinclude=MedicationStatement:patient");
    }

    @Test
    void searchesWithoutTheReadArePlannedToo() {
        assertThat(plan("conditions", "Condition?patient=7")).get()
                .extracting(PatientCompartmentPlan::readKey).isNull();
    }

    @Test
    void queriesThatOneSearchCouldNotAnswerExactlyRunOneByOne() {
        assertThat(plan("o", "Observation?patient=1&code=http://loinc.org|1234-5")).as("other parameter").isEmpty();
        assertThat(plan("o", "Observation?patient=1", "c", "Condition?patient=2")).as("two patients").isEmpty();
        assertThat(plan("p", "Patient/1", "q", "Patient/1")).as("two reads").isEmpty();
        assertThat(plan("o", "Observation?patient=1", "p", "Practitioner/9")).as("read of another type").isEmpty();
        assertThat(plan("a", "Observation?patient=1", "b", "Observation?patient=1&_include=Observation:subject"))
                .as("one type searched twice").isEmpty();
        assertThat(plan("o", "Observation?patient=1&_include=Observation:code")).as("include of a token").isEmpty();
        assertThat(plan("o", "Observation?subject=Patient/1")).as("no patient parameter").isEmpty();
        assertThat(plan("o", "Observation?patient=a%20b")).as("encoded value").isEmpty();
        assertThat(plan("o", "Medication?patient=1")).as("type without a patient parameter").isEmpty();
        assertThat(plan("p", "Patient/1")).as("a read alone").isEmpty();
    }
}
