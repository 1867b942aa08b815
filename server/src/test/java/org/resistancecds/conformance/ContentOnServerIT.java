package org.resistancecds.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;

/**
 * Our profiles as the running server applies them (HAPI's JPA validation chain over the installed content):
 * every valid example is stored, every invalid one is refused with 422.
 */
class ContentOnServerIT extends AbstractServerIT {

    /** Referenced resources first, so the order reads like a real upload. */
    private static final List<String> ORDER = List.of(
            "Patient", "Condition", "Specimen", "MedicationRequest", "MedicationStatement", "MedicationAdministration",
            "Observation");

    @Test
    void storesEveryValidExample() {
        IGenericClient client = fhirClient();
        List<ContentFile> examples = new ContentReader(fhirContext).read("examples/valid").stream()
                .sorted(Comparator.comparingInt((ContentFile f) -> ORDER.indexOf(f.resourceType()))
                        .thenComparing(f -> derivesFromOthers(f)))
                .toList();
        assertThat(examples).hasSizeGreaterThan(10);

        for (ContentFile example : examples) {
            Resource resource = (Resource) example.resource();
            var outcome = client.update().resource(resource).execute();
            assertThat(outcome.getId().getIdPart()).as(example.location()).isEqualTo(resource.getIdPart());
        }
    }

    private static ExpectedError expected(ContentFile example) {
        try {
            return ExpectedError.read(example.location().replace(".json", ".expected.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Derived Observations (status, mechanism) point to findings that must be stored first. */
    private static boolean derivesFromOthers(ContentFile file) {
        return file.resource() instanceof Observation observation && observation.hasDerivedFrom();
    }

    @Test
    void refusesEveryInvalidExampleWithItsError() {
        IGenericClient client = fhirClient();
        List<ContentFile> examples = new ContentReader(fhirContext).read("examples/invalid");
        assertThat(examples).hasSizeGreaterThan(5);

        for (ContentFile example : examples) {
            assertThatThrownBy(() -> client.update().resource(example.resource()).execute())
                    .as(example.location())
                    .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> {
                        OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
                        // The server finds the same error as the offline validator.
                        assertThat(outcome.getIssue())
                                .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
                                .anyMatch(i -> i.getDiagnostics().contains(expected(example).message()));
                    });
        }
    }

    /**
     * A code added to one of our CodeSystems counts in validation as soon as the change is stored, and stops counting
     * when it is taken out again: the validator had kept the old CodeSystem for minutes, refusing data (and knowledge)
     * that used the new code.
     */
    @Test
    void aChangeToOurCodeSystemCountsInValidationAtOnce() {
        IGenericClient client = fhirClient();
        Resource example = (Resource) new ContentReader(fhirContext).read("examples/invalid").stream()
                .filter(f -> f.location().contains("Observation-biomarker-unknown-method"))
                .findFirst().orElseThrow().resource();
        example.setId((String) null); // validated as a new resource: an id would ask for the stored one's $validate
        CodeSystem methods = client.read().resource(CodeSystem.class).withId("diagnostic-method").execute();
        CodeSystem original = methods.copy();
        original.setId(original.getIdElement().toUnqualifiedVersionless());
        String unknown = "Unknown code 'https://resistance-cds.org/fhir/CodeSystem/diagnostic-method#multiplex";
        assertThat(errors(client, example)).anyMatch(d -> d.contains(unknown));
        try {
            methods.addConcept().setCode("multiplex-immunofluorescence").setDisplay("Multiplex immunofluorescence")
                    .setDefinition("Several markers stained on one tissue section and read by fluorescence.");
            if (methods.hasCount()) {
                methods.setCount(methods.getConcept().size());
            }
            client.update().resource(methods).execute();
            assertThat(errors(client, example)).noneMatch(d -> d.contains(unknown));
        } finally {
            client.update().resource(original).execute();
        }
        assertThat(errors(client, example)).anyMatch(d -> d.contains(unknown));
    }

    private static List<String> errors(IGenericClient client, Resource resource) {
        OperationOutcome outcome;
        try {
            outcome = (OperationOutcome) client.validate().resource(resource).execute().getOperationOutcome();
        } catch (BaseServerResponseException e) {
            outcome = (OperationOutcome) e.getOperationOutcome();
        }
        return outcome.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
                .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                .toList();
    }

    /**
     * Our own profiles pass validation on the server as they are packaged. The extension definition did not: the
     * HL7 validator looked for the R4 core package in a package cache and on the network to check its context,
     * and reported the failure as an error (a PUT of the packaged file was refused with 422).
     */
    @Test
    void everyPackagedProfileValidatesAndCanBeStoredAsItIs() {
        IGenericClient client = fhirClient();
        List<ContentFile> profiles = PackagedSnapshots.fromClasspath(fhirContext)
                .applyTo(new ContentReader(fhirContext).read("profiles"));
        assertThat(profiles).hasSizeGreaterThan(10);

        for (ContentFile profile : profiles) {
            StructureDefinition definition = (StructureDefinition) profile.resource();
            MethodOutcome validated = client.validate().resource(definition).execute();
            OperationOutcome outcome = (OperationOutcome) validated.getOperationOutcome();
            assertThat(outcome.getIssue()).as(profile.location())
                    .noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                            || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL);
            client.update().resource(definition).execute();
        }
        StructureDefinition extension = (StructureDefinition) profiles.stream()
                .filter(p -> p.location().contains("response-category")).findFirst().orElseThrow().resource();
        OperationOutcome outcome = (OperationOutcome) client.validate().resource(extension).execute().getOperationOutcome();
        assertThat(outcome.getIssue()).as("what the validator could not check is said")
                .anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.WARNING
                        && i.getDiagnostics().startsWith("Not checked: "));
    }

    /**
     * A client or validator that fetches a profile from the server gets it with its snapshot, as in the package:
     * the server stored the differentials alone, and a validator that does not generate snapshots could not use them.
     */
    @Test
    void storedProfilesCarryTheSnapshotsOfThePackage() {
        IGenericClient client = fhirClient();
        for (ContentFile source : new ContentReader(fhirContext).read("profiles")) {
            StructureDefinition differential = (StructureDefinition) source.resource();
            Bundle found = client.search().forResource(StructureDefinition.class)
                    .where(StructureDefinition.URL.matches().value(differential.getUrl()))
                    .returnBundle(Bundle.class).execute();
            StructureDefinition stored = (StructureDefinition) found.getEntryFirstRep().getResource();
            assertThat(stored.getSnapshot().getElement()).as(source.location())
                    .hasSizeGreaterThan(differential.getDifferential().getElement().size());
            assertThat(stored.getDifferential().equalsDeep(differential.getDifferential())).as(source.location()).isTrue();
        }
    }
}
