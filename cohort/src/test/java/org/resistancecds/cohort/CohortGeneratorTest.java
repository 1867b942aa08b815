package org.resistancecds.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

class CohortGeneratorTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private final CohortDesign design = CohortDesign.load();

    @Test
    void sameSeedGivesTheSameBundlesAndAnotherSeedDoesNot() {
        String first = json(new CohortGenerator(FHIR, design, 42).patient(25, 4).transaction());
        String again = json(new CohortGenerator(FHIR, design, 42).patient(25, 4).transaction());
        String other = json(new CohortGenerator(FHIR, design, 43).patient(25, 4).transaction());
        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    @Test
    void theFirstPatientsTakeEveryArchetypeOnce() {
        CohortGenerator generator = new CohortGenerator(FHIR, design, 1);
        List<String> scenarios = generator.patients(0, design.archetypes().size(), 0).stream()
                .map(p -> p.archetype().scenario()).toList();
        assertEquals(design.archetypes().stream().map(Weighted::value).toList(), scenarios);
    }

    @Test
    void everyReferenceInsideATransactionPointsToAnEntryOfIt() {
        CohortGenerator generator = new CohortGenerator(FHIR, design, 5);
        for (CohortPatient patient : generator.patients(0, 25, 3)) {
            Bundle bundle = patient.transaction();
            Set<String> fullUrls = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getFullUrl)
                    .collect(Collectors.toSet());
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                assertTrue(entry.getFullUrl().startsWith("urn:uuid:"));
                assertEquals(Bundle.HTTPVerb.POST, entry.getRequest().getMethod());
                for (var reference : FHIR.newTerser().getAllResourceReferences(entry.getResource())) {
                    String target = reference.getResourceReference().getReferenceElement().getValue();
                    assertTrue(fullUrls.contains(target), patient.archetype().scenario() + ": dangling " + target);
                }
            }
        }
    }

    @Test
    void severalPatientsPackIntoOneTransactionWithoutCollisions() {
        List<CohortPatient> patients = new CohortGenerator(FHIR, design, 7).patients(0, 3, 2);
        Bundle packed = CohortPatient.oneTransaction(patients);

        assertEquals(Bundle.BundleType.TRANSACTION, packed.getType());
        assertEquals(patients.stream().mapToInt(CohortPatient::resourceCount).sum(), packed.getEntry().size());
        Set<String> fullUrls = packed.getEntry().stream().map(Bundle.BundleEntryComponent::getFullUrl)
                .collect(Collectors.toSet());
        assertEquals(packed.getEntry().size(), fullUrls.size(), "every fullUrl once");
        patients.forEach(p -> assertTrue(fullUrls.contains(p.patientFullUrl()), p.key()));
        // The patients' own Bundles are left as they were (the packed entries are copies).
        patients.forEach(p -> assertTrue(p.transaction().getEntry().stream()
                .noneMatch(e -> packed.getEntry().contains(e))));
    }

    @Test
    void datesMoveWithThePatientsEvaluationDateAndProfilesAreClaimed() {
        CohortGenerator generator = new CohortGenerator(FHIR, design, 9);
        CohortPatient patient = generator.patient(design.archetypes().stream().map(Weighted::value).toList()
                .indexOf("acquired-resistance-b2m-loss"), 0);
        long shift = java.time.temporal.ChronoUnit.DAYS.between(design.templateAsOf(), patient.asOf());
        MedicationStatement statement = resources(patient.transaction(), MedicationStatement.class).get(0);
        Bundle template = patient.archetype().template();
        MedicationStatement original = resources(template, MedicationStatement.class).get(0);
        long moved = java.time.temporal.ChronoUnit.DAYS.between(
                original.getEffectivePeriod().getStartElement().getValueAsCalendar().toInstant(),
                statement.getEffectivePeriod().getStartElement().getValueAsCalendar().toInstant());
        assertEquals(shift, moved);
        assertTrue(statement.getMeta().hasProfile(
                "https://resistance-cds.org/fhir/StructureDefinition/ici-medication-statement"));
        Set<String> agents = new HashSet<>();
        resources(patient.transaction(), MedicationStatement.class)
                .forEach(s -> agents.add(s.getMedicationCodeableConcept().getCodingFirstRep().getCode()));
        assertEquals(Set.of(patient.agent().getCode()), agents);
        assertTrue(resources(patient.transaction(), Observation.class).stream()
                .filter(o -> "97509-4".equals(o.getCode().getCodingFirstRep().getCode()))
                .allMatch(o -> o.getMeta().hasProfile(
                        "https://resistance-cds.org/fhir/StructureDefinition/ici-response-assessment")));
    }

    @Test
    void everyProfileOfTheDesignIsClaimedByTheArchetypes() {
        Set<String> named = new HashSet<>(design.profileByResourceType().values());
        named.addAll(design.profileByObservationCode().values());
        Set<String> claimed = new HashSet<>();
        for (CohortPatient patient : new CohortGenerator(FHIR, design, 3).patients(0, design.archetypes().size(), 0)) {
            patient.transaction().getEntry().forEach(entry -> entry.getResource().getMeta().getProfile()
                    .forEach(profile -> claimed.add(profile.getValue())));
        }
        assertEquals(named, claimed);
    }

    private static <T> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance).map(type::cast).toList();
    }

    private static String json(Bundle bundle) {
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }
}
