package org.resistancecds.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.term.api.ITermReadSvc;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.resistancecds.conformance.ContentFile;
import org.resistancecds.conformance.ContentInstaller;

class ValidatorWarmupTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    /** What the warm-up asked the validator, and on which thread. */
    private record Call(String thread, String type, List<String> profiles) {}

    private final ITermReadSvc terminology = mock(ITermReadSvc.class);

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<IBaseResource> validated = Collections.synchronizedList(new ArrayList<>());

    private final FhirValidator recordingValidator = new FhirValidator(FHIR) {
        @Override
        public ValidationResult validateWithResult(IBaseResource resource) {
            validated.add(resource);
            calls.add(new Call(Thread.currentThread().getName(), resource.fhirType(),
                    resource.getMeta().getProfile().stream().map(p -> p.getValue()).toList()));
            return new ValidationResult(FHIR, List.of());
        }
    };

    @Test
    void coreDefinitionsLoadOnTheirOwnThreadThenEachResourceProfileIsWarmedAfterTheContent() {
        ValidatorWarmup warmup = new ValidatorWarmup(FHIR, recordingValidator, terminology, installerWith(
                profile("https://example.org/StructureDefinition/variant", "Observation",
                        StructureDefinition.StructureDefinitionKind.RESOURCE),
                profile("https://example.org/StructureDefinition/ext", "Extension",
                        StructureDefinition.StructureDefinitionKind.COMPLEXTYPE),
                new CodeSystem()));

        warmup.onApplicationEvent(null);
        warmup.run(null);

        String main = Thread.currentThread().getName();
        assertEquals(List.of(
                new Call("validator-warmup", "Observation", List.of()),
                new Call(main, "Observation", List.of("https://example.org/StructureDefinition/variant"))), calls);
    }

    @Test
    void aPackagedExampleStandsInForItsProfilesSkeletonAndOurValueSetsAreExpanded() {
        Observation example = new Observation();
        example.getMeta().addProfile("https://example.org/StructureDefinition/variant");
        example.getCode().setText("example");
        ContentInstaller installer = installerWith(
                profile("https://example.org/StructureDefinition/variant", "Observation",
                        StructureDefinition.StructureDefinitionKind.RESOURCE),
                profile("https://example.org/StructureDefinition/order", "MedicationRequest",
                        StructureDefinition.StructureDefinitionKind.RESOURCE));
        when(installer.exampleFiles()).thenReturn(List.of(new ContentFile("examples/valid/variant.json", example)));
        ValidatorWarmup warmup = new ValidatorWarmup(FHIR, recordingValidator, terminology, installer);

        warmup.run(null);

        verify(terminology).preExpandDeferredValueSetsToTerminologyTables();
        String main = Thread.currentThread().getName();
        assertEquals(List.of(
                new Call(main, "Observation", List.of()),
                new Call(main, "Observation", List.of("https://example.org/StructureDefinition/variant")),
                new Call(main, "MedicationRequest", List.of("https://example.org/StructureDefinition/order"))), calls);
        assertSame(example, validated.get(1), "the example itself is validated, not a skeleton of its profile");
    }

    @Test
    void withoutTheStartedEventTheCoreIsWarmedOnTheCallingThread() {
        ValidatorWarmup warmup = new ValidatorWarmup(FHIR, recordingValidator, terminology, installerWith());

        warmup.run(null);

        assertEquals(List.of(new Call(Thread.currentThread().getName(), "Observation", List.of())), calls);
    }

    private static StructureDefinition profile(String url, String type, StructureDefinition.StructureDefinitionKind kind) {
        StructureDefinition profile = new StructureDefinition();
        profile.setUrl(url);
        profile.setType(type);
        profile.setKind(kind);
        return profile;
    }

    private static ContentInstaller installerWith(IBaseResource... resources) {
        List<ContentFile> files = new ArrayList<>();
        for (IBaseResource resource : resources) {
            files.add(new ContentFile("profiles/" + resource.fhirType() + ".json", resource));
        }
        ContentInstaller installer = mock(ContentInstaller.class);
        when(installer.installedFiles()).thenReturn(files);
        return installer;
    }
}
