package org.resistancecds.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;
import org.resistancecds.bench.AbstractBenchIT;

/**
 * A generated cohort loads through the loader with validation on (every claimed profile checked), and the real
 * engine, reading the stored data with {@code $evaluate-resistance}, gives each patient its archetype's status and
 * mechanisms; together the patients cover every resistance status and every mechanism of our CodeSystems.
 */
class CohortCoverageIT extends AbstractBenchIT {

    @Test
    void cohortLoadsValidatedAndCoversEveryStatusAndMechanismWithTheRealEngine() throws Exception {
        CohortGenerator generator = new CohortGenerator(fhirContext, CohortDesign.load(), 7);
        List<CohortPatient> patients = generator.patients(0, CohortDesign.load().archetypes().size() + 2, 1);
        CohortLoader loader = new CohortLoader(fhirContext, fhirBase(), 2, 500, null);
        LoadSummary summary = loader.load(patients.stream()
                .map(p -> new CohortLoader.Source(p.key(), p::transaction))
                .toList());

        assertThat(summary.failures()).as(summary.describe()).isEmpty();
        assertThat(summary.resources()).isEqualTo(patients.stream().mapToLong(CohortPatient::resourceCount).sum());

        IGenericClient client = fhirClient();
        Set<String> statuses = new TreeSet<>();
        Set<String> mechanisms = new TreeSet<>();
        List<String> mismatches = new ArrayList<>();
        for (CohortPatient patient : patients) {
            String id = summary.patientIds().get(patient.patientFullUrl());
            StoredEvaluation found = StoredEvaluation.of(client, id, patient.asOf().toString());
            statuses.add(found.status());
            mechanisms.addAll(found.mechanisms());
            if (!patient.archetype().expectedStatus().equals(found.status())
                    || !patient.archetype().expectedMechanisms().keySet().equals(found.mechanisms())) {
                mismatches.add(patient.key() + " " + patient.archetype().scenario() + " (agent "
                        + (patient.agent() == null ? "-" : patient.agent().getDisplay()) + ", asOf " + patient.asOf()
                        + "): " + found.status() + " " + found.mechanisms());
            }
        }

        assertThat(mismatches).as("patients whose engine result differs from their archetype").isEmpty();
        assertThat(statuses).containsAll(leafCodes(client, "acquired-resistance-status"));
        assertThat(mechanisms).containsAll(leafCodes(client, "resistance-mechanism"));
    }

    /** The codes of one of our CodeSystems as stored on the server, leaving out grouping (parent) concepts. */
    private static Set<String> leafCodes(IGenericClient client, String id) {
        CodeSystem codeSystem = client.read().resource(CodeSystem.class).withId(id).execute();
        Set<String> codes = new HashSet<>();
        collectLeaves(codeSystem.getConcept(), codes);
        return codes;
    }

    private static void collectLeaves(List<CodeSystem.ConceptDefinitionComponent> concepts, Set<String> codes) {
        for (CodeSystem.ConceptDefinitionComponent concept : concepts) {
            if (concept.hasConcept()) {
                collectLeaves(concept.getConcept(), codes);
            } else {
                codes.add(concept.getCode());
            }
        }
    }
}
