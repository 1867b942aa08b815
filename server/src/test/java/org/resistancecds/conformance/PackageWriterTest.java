package org.resistancecds.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes the FHIR package and reads it back with the HL7 package reader, as the validator would. */
class PackageWriterTest {

    private static final FhirContext CTX = FhirContext.forR4Cached();

    @TempDir
    static Path folder;

    private static Path tgz;
    private static NpmPackage npm;

    @BeforeAll
    static void writeAndReadBack() throws Exception {
        tgz = new PackageWriter(CTX).write(folder);
        try (InputStream in = Files.newInputStream(tgz)) {
            npm = NpmPackage.fromPackage(in);
        }
    }

    @Test
    void fileIsNamedAfterPackageAndVersion() {
        assertThat(tgz.getFileName()).hasToString("resistance-cds.fhir-0.1.0.tgz");
        assertThat(folder.resolve("resistance-cds.fhir-0.1.0.tgz.part")).doesNotExist();
    }

    @Test
    void manifestNamesTheCoreDependencyAndFhirVersion() {
        assertThat(npm.name()).isEqualTo("resistance-cds.fhir");
        assertThat(npm.version()).isEqualTo("0.1.0");
        assertThat(npm.canonical()).isEqualTo("https://resistance-cds.org/fhir");
        assertThat(npm.fhirVersion()).isEqualTo("4.0.1");
        assertThat(npm.dependencies()).containsExactly("hl7.fhir.r4.core#4.0.1", "hl7.fhir.uv.genomics-reporting#2.0.0");
        assertThat(npm.type()).isEqualTo("fhir.ig");
    }

    @Test
    void holdsEveryContentResourceFindableByCanonical() throws Exception {
        ContentReader reader = new ContentReader(CTX);
        List<String> expected = PackageWriter.FOLDERS.stream()
                .flatMap(f -> reader.read(f).stream())
                .map(f -> f.resourceType() + "-" + f.resource().getIdElement().getIdPart() + ".json")
                .sorted()
                .toList();
        List<String> packaged = npm.listResources("StructureDefinition", "CodeSystem", "ValueSet", "ConceptMap",
                        "PlanDefinition", "ActivityDefinition", "Library", "OperationDefinition")
                .stream()
                .sorted()
                .toList();
        assertThat(packaged).isEqualTo(expected);

        // The index lets a validator find a resource by its canonical URL.
        try (InputStream in = npm.loadByCanonical("https://resistance-cds.org/fhir/ValueSet/resistance-genes")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes())).contains("HGNC:914");
        }
    }

    /** The index's "type" is a StructureDefinition's; other resources' own "type" elements stay out of it. */
    @Test
    void indexGivesATypeOnlyToStructureDefinitions() throws Exception {
        JsonNode index;
        try (InputStream in = npm.load("package", ".index.json")) {
            index = new ObjectMapper().readTree(in);
        }

        assertThat(index.path("files")).isNotEmpty().allSatisfy(file -> {
            if (file.path("resourceType").asText().equals("StructureDefinition")) {
                assertThat(file.path("type").asText()).matches("[A-Z][A-Za-z]+|Extension");
            } else {
                assertThat(file.has("type")).as(file.toString()).isFalse();
            }
        });
    }

    @Test
    void profilesCarryGeneratedSnapshots() throws Exception {
        List<String> profiles = npm.listResources("StructureDefinition");
        assertThat(profiles).contains("StructureDefinition-resistance-variant.json");
        for (String name : profiles) {
            StructureDefinition sd;
            try (InputStream in = npm.loadResource(name)) {
                sd = CTX.newJsonParser().parseResource(StructureDefinition.class, in);
            }
            assertThat(sd.getDifferential().getElement()).as(name).isNotEmpty();
            assertThat(sd.getSnapshot().getElement().size())
                    .as(name)
                    .isGreaterThan(sd.getDifferential().getElement().size());
            assertThat(sd.getSnapshot().getElementFirstRep().getPath()).isEqualTo(sd.getType());
        }
        StructureDefinition variant;
        try (InputStream in = npm.loadResource("StructureDefinition-resistance-variant.json")) {
            variant = CTX.newJsonParser().parseResource(StructureDefinition.class, in);
        }
        // The gene slice and its binding survive into the snapshot.
        List<String> geneSlice = variant.getSnapshot().getElement().stream()
                .filter(e -> e.getId().startsWith("Observation.component:gene-studied.value[x]"))
                .map(e -> e.getBinding().getValueSet())
                .collect(Collectors.toList());
        assertThat(geneSlice).contains("https://resistance-cds.org/fhir/ValueSet/resistance-genes");
    }

    @Test
    void packageAloneValidatesTheExamples() throws Exception {
        // What a third-party validator sees: only the package, not our classpath content.
        List<IBaseResource> packaged = new ArrayList<>();
        for (String name : npm.listResources("StructureDefinition", "CodeSystem", "ValueSet")) {
            try (InputStream in = npm.loadResource(name)) {
                packaged.add(CTX.newJsonParser().parseResource(in));
            }
        }
        OfflineValidator fromPackage = OfflineValidator.of(CTX, packaged);
        ContentReader reader = new ContentReader(CTX);

        for (ContentFile example : reader.read("examples/valid")) {
            assertThat(errorCount(fromPackage, example)).as(example.location()).isZero();
        }
        for (ContentFile example : reader.read("examples/invalid")) {
            assertThat(errorCount(fromPackage, example)).as(example.location()).isEqualTo(1);
        }
    }

    private static long errorCount(OfflineValidator validator, ContentFile example) {
        return validator.validate(example.resource()).getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .count();
    }
}
