package org.resistancecds.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;
import org.resistancecds.bench.AbstractBenchIT;

/**
 * A generated cohort loads through the loader with validation on (every claimed profile checked), and the real
 * engine, reading the stored data with {@code $evaluate-resistance}, gives each patient its archetype's status and
 * mechanisms; together the patients cover every resistance status and every mechanism of our CodeSystems.
 */
class CohortCoverageIT extends AbstractBenchIT {

    private static final String STATUS_SYSTEM = "https://resistance-cds.org/fhir/CodeSystem/acquired-resistance-status";
    private static final String MECHANISM_SYSTEM = "https://resistance-cds.org/fhir/CodeSystem/resistance-mechanism";

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
            Parameters parameters = new Parameters();
            parameters.addParameter().setName("asOf").setValue(new DateTimeType(patient.asOf().toString()));
            Bundle result = client.operation().onInstance(id).named("$evaluate-resistance")
                    .withParameters(parameters).returnResourceType(Bundle.class).execute();
            Map<String, String> found = new LinkedHashMap<>();
            String status = null;
            for (Bundle.BundleEntryComponent entry : result.getEntry()) {
                if (entry.getResource() instanceof Observation observation) {
                    String system = observation.getValueCodeableConcept().getCodingFirstRep().getSystem();
                    String code = observation.getValueCodeableConcept().getCodingFirstRep().getCode();
                    if (STATUS_SYSTEM.equals(system)) {
                        status = code;
                    } else if (MECHANISM_SYSTEM.equals(system)) {
                        found.put(code, "");
                    }
                }
            }
            statuses.add(status);
            mechanisms.addAll(found.keySet());
            if (!patient.archetype().expectedStatus().equals(status)
                    || !patient.archetype().expectedMechanisms().keySet().equals(found.keySet())) {
                mismatches.add(patient.key() + " " + patient.archetype().scenario() + " (agent "
                        + (patient.agent() == null ? "-" : patient.agent().getDisplay()) + ", asOf " + patient.asOf()
                        + "): " + status + " " + found.keySet());
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
