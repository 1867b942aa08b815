package org.resistancecds.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Content tests: every file in {@code profiles/}, {@code terminology/}, {@code knowledge/} and {@code examples/}
 * parses and is named after its id, canonicals are unique and resolve, snapshots generate cleanly, valid
 * examples give no errors and invalid examples fail with exactly the error documented beside them.
 */
class ContentConformanceTest {

    private static final String CANONICAL_BASE = PackageWriter.CANONICAL + "/";
    private static final List<String> CONTENT_FOLDERS = List.of("terminology", "profiles", "knowledge");
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ContentReader READER = new ContentReader(CTX);

    private static OfflineValidator validator;

    @BeforeAll
    static void buildValidator() {
        validator = OfflineValidator.fromClasspath(CTX);
    }

    static List<ContentFile> profiles() {
        return READER.read("profiles");
    }

    static List<ContentFile> validExamples() {
        return READER.read("examples/valid");
    }

    static List<ContentFile> invalidExamples() {
        return READER.read("examples/invalid");
    }

    private static List<Resource> content() {
        return CONTENT_FOLDERS.stream()
                .flatMap(folder -> READER.read(folder).stream())
                .map(file -> (Resource) file.resource())
                .toList();
    }

    @Test
    void everyContentFileParsesAndIsNamedAfterItsId() throws IOException {
        // ContentReader fails on a file that does not parse strictly or whose name does not match its id;
        // this also catches stray files it would silently skip.
        var resolver = new PathMatchingResourcePatternResolver();
        for (String folder : List.of("terminology", "profiles", "knowledge", "examples/valid", "examples/invalid")) {
            List<ContentFile> files = READER.read(folder);
            for (var file : resolver.getResources("classpath*:content/" + folder + "/*")) {
                String name = Objects.requireNonNull(file.getFilename());
                boolean expectedNote = folder.equals("examples/invalid") && name.endsWith(".expected.txt");
                assertThat(name.endsWith(".json") || expectedNote || name.equals(".gitkeep"))
                        .as("%s/%s is neither a content file nor an expected-error note", folder, name)
                        .isTrue();
            }
            if (!folder.equals("knowledge")) {
                assertThat(files).as(folder).isNotEmpty();
            }
        }
    }

    @Test
    void canonicalUrlsAreUniqueAndUnderOurBase() {
        Map<String, List<String>> byUrl = content().stream()
                .filter(r -> r instanceof MetadataResource)
                .map(r -> (MetadataResource) r)
                .collect(Collectors.groupingBy(
                        MetadataResource::getUrl, Collectors.mapping(r -> r.getIdElement().getValue(), Collectors.toList())));
        assertThat(byUrl).isNotEmpty();
        byUrl.forEach((url, ids) -> {
            assertThat(ids).as("resources sharing canonical %s", url).hasSize(1);
            assertThat(url).startsWith(CANONICAL_BASE);
        });
        for (Resource r : content()) {
            if (r instanceof MetadataResource m) {
                String expected = CANONICAL_BASE + m.fhirType() + "/" + m.getIdElement().getIdPart();
                assertThat(m.getUrl()).as("canonical of %s", m.getIdElement().getIdPart()).isEqualTo(expected);
                assertThat(m.getVersion()).isEqualTo(PackageWriter.VERSION);
                assertThat(m.getPublisher()).isEqualTo("Resistance CDS Server project");
            }
        }
    }

    @Test
    void everyCanonicalThatProfilesReferToResolves() {
        IValidationSupport support = validator.validationSupport();
        for (ContentFile file : profiles()) {
            StructureDefinition sd = (StructureDefinition) file.resource();
            for (ElementDefinition element : sd.getDifferential().getElement()) {
                if (element.getBinding().hasValueSet()) {
                    assertThat(support.fetchValueSet(element.getBinding().getValueSet()))
                            .as("%s %s binding", sd.getId(), element.getId())
                            .isNotNull();
                }
                for (var type : element.getType()) {
                    for (CanonicalType profile : type.getProfile()) {
                        assertThat(support.fetchStructureDefinition(profile.getValue()))
                                .as("%s %s type profile", sd.getId(), element.getId())
                                .isNotNull();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void snapshotGeneratesWithoutErrors(ContentFile file) {
        StructureDefinition differential = (StructureDefinition) file.resource();
        OfflineValidator.SnapshotResult result = validator.generateSnapshot(differential);

        assertThat(result.errors()).as(file.location()).isEmpty();
        List<ElementDefinition> snapshot = result.structureDefinition().getSnapshot().getElement();
        assertThat(snapshot.size()).isGreaterThan(differential.getDifferential().getElement().size());
        // Every differential element must land in the snapshot under the same id.
        Set<String> snapshotIds = snapshot.stream().map(ElementDefinition::getId).collect(Collectors.toSet());
        differential.getDifferential().getElement().forEach(e -> assertThat(snapshotIds).contains(e.getId()));
    }

    @Test
    void everyProfileHasValidAndInvalidExamples() {
        Set<String> validClaims = claimedProfiles(validExamples());
        Set<String> invalidClaims = claimedProfiles(invalidExamples());
        for (ContentFile file : profiles()) {
            StructureDefinition sd = (StructureDefinition) file.resource();
            if (sd.getType().equals("Extension")) {
                continue; // extensions are exercised through the profiles that use them
            }
            assertThat(validClaims).as("valid example for %s", sd.getUrl()).contains(sd.getUrl());
            assertThat(invalidClaims).as("invalid example for %s", sd.getUrl()).contains(sd.getUrl());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void validExampleHasNoErrors(ContentFile file) {
        List<SingleValidationMessage> errors = errors(file.resource());
        assertThat(errors).as(file.location() + ": " + describe(errors)).isEmpty();
    }

    static List<Path> scenarioBundles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../examples/scenarios"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".bundle.json")).sorted().toList();
        }
    }

    /** The patient scenarios are valid transaction Bundles too (every entry has a fullUrl its references resolve by). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarioBundles")
    void scenarioBundleHasNoErrors(Path bundle) throws IOException {
        List<SingleValidationMessage> errors = errors(CTX.newJsonParser().parseResource(Files.readString(bundle)));
        assertThat(errors).as(bundle + ": " + describe(errors)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void invalidExampleFailsWithExactlyItsDocumentedError(ContentFile file) throws IOException {
        ExpectedError expected = ExpectedError.read(file.location().replace(".json", ".expected.txt"));
        List<SingleValidationMessage> errors = errors(file.resource());

        assertThat(errors).as(file.location() + ": " + describe(errors)).hasSize(1);
        assertThat(errors.get(0).getLocationString()).isEqualTo(expected.location());
        assertThat(errors.get(0).getMessage()).contains(expected.message());
    }

    @Test
    void codeSystemsDeclareTheirCountAndDefineEveryConcept() {
        for (Resource r : content()) {
            if (r instanceof CodeSystem cs) {
                List<CodeSystem.ConceptDefinitionComponent> all = flatten(cs.getConcept());
                assertThat(cs.getCount()).as(cs.getId()).isEqualTo(all.size());
                assertThat(all.stream().map(CodeSystem.ConceptDefinitionComponent::getCode).distinct().count())
                        .as("distinct codes in %s", cs.getId())
                        .isEqualTo(all.size());
                all.forEach(c -> assertThat(c.getDefinition()).as(cs.getId() + "#" + c.getCode()).isNotBlank());
            }
        }
    }

    @Test
    void everyCodeSystemNamesAnAllCodesValueSetThatIncludesIt() {
        Map<String, ValueSet> valueSets = content().stream()
                .filter(r -> r instanceof ValueSet)
                .map(r -> (ValueSet) r)
                .collect(Collectors.toMap(ValueSet::getUrl, Function.identity()));
        int checked = 0;
        for (Resource r : content()) {
            if (r instanceof CodeSystem cs) {
                assertThat(cs.getValueSet()).as(cs.getId()).isNotBlank();
                ValueSet vs = valueSets.get(cs.getValueSet());
                assertThat(vs).as("value set %s of %s", cs.getValueSet(), cs.getId()).isNotNull();
                assertThat(vs.getCompose().getInclude()).hasSize(1);
                ValueSet.ConceptSetComponent include = vs.getCompose().getIncludeFirstRep();
                assertThat(include.getSystem()).isEqualTo(cs.getUrl());
                assertThat(include.hasConcept() || include.hasFilter()).as("%s includes all codes", vs.getId()).isFalse();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(8);
    }

    /** In R4 a property of type code names a concept of the same CodeSystem; the HL7 validator checks that. */
    @Test
    void codePropertiesNameCodesOfTheirOwnCodeSystem() {
        for (ContentFile file : READER.read("terminology")) {
            if (!(file.resource() instanceof CodeSystem system)) {
                continue;
            }
            Set<String> codes = flatten(system.getConcept()).stream()
                    .map(CodeSystem.ConceptDefinitionComponent::getCode).collect(Collectors.toSet());
            Set<String> codeProperties = system.getProperty().stream()
                    .filter(p -> p.getType() == CodeSystem.PropertyType.CODE)
                    .map(CodeSystem.PropertyComponent::getCode).collect(Collectors.toSet());
            for (CodeSystem.ConceptDefinitionComponent concept : flatten(system.getConcept())) {
                concept.getProperty().stream().filter(p -> codeProperties.contains(p.getCode())).forEach(p ->
                        assertThat(codes).as(file.location() + " " + concept.getCode() + " " + p.getCode())
                                .contains(p.getValue().primitiveValue()));
            }
        }
    }

    @Test
    void strategiesCarryAKnownEvidenceLevelAndMethodsAnAvailability() {
        CodeSystem strategies = codeSystem("resistance-strategy");
        Set<String> levels = flatten(codeSystem("evidence-level").getConcept()).stream()
                .map(CodeSystem.ConceptDefinitionComponent::getCode)
                .collect(Collectors.toSet());
        List<CodeSystem.ConceptDefinitionComponent> leaves = flatten(strategies.getConcept()).stream()
                .filter(c -> !c.hasConcept())
                .toList();
        assertThat(leaves).hasSizeGreaterThanOrEqualTo(8);
        leaves.forEach(c -> assertThat(levels).as(c.getCode()).contains(property(c, "evidence-level")));
        flatten(codeSystem("diagnostic-method").getConcept())
                .forEach(c -> assertThat(property(c, "clinical-availability")).isIn("high", "medium", "low"));
    }

    /** The engine accepts exactly the evidence levels of the CodeSystem, and knows them weakest first. */
    @Test
    void theEngineKnowsEveryEvidenceLevelInRankOrder() {
        List<CodeSystem.ConceptDefinitionComponent> levels = flatten(codeSystem("evidence-level").getConcept());
        List<String> byRank = levels.stream()
                .sorted(java.util.Comparator.comparingInt(c -> Integer.parseInt(property(c, "rank"))))
                .map(CodeSystem.ConceptDefinitionComponent::getCode)
                .toList();
        assertThat(byRank).isEqualTo(org.resistancecds.knowledge.KnowledgeCodes.EVIDENCE_LEVELS);
        assertThat(levels.stream().map(c -> property(c, "rank")).distinct()).hasSameSizeAs(levels);
    }

    @Test
    void conceptMapsUseOnlyCodesOfTheirCodeSystems() {
        IValidationSupport support = validator.validationSupport();
        var context = new ValidationSupportContext(support);
        int checked = 0;
        for (Resource r : content()) {
            if (!(r instanceof ConceptMap map)) {
                continue;
            }
            for (var group : map.getGroup()) {
                // Only our own CodeSystems can be checked offline; HGNC, RxNorm, ATC, SNOMED CT, HGVS and
                // Sequence Ontology codes in the engine's maps are checked against the domain facts instead.
                boolean ownSource = group.getSource().startsWith(CANONICAL_BASE);
                boolean ownTarget = group.getTarget().startsWith(CANONICAL_BASE);
                for (var element : group.getElement()) {
                    if (ownSource) {
                        assertThat(support.validateCode(context, new ConceptValidationOptions(), group.getSource(),
                                        element.getCode(), null, null))
                                .as("%s source %s", map.getId(), element.getCode())
                                .matches(IValidationSupport.CodeValidationResult::isOk);
                    }
                    for (var target : element.getTarget()) {
                        if (!ownTarget) {
                            continue;
                        }
                        assertThat(support.validateCode(context, new ConceptValidationOptions(), group.getTarget(),
                                        target.getCode(), null, null))
                                .as("%s target %s", map.getId(), target.getCode())
                                .matches(IValidationSupport.CodeValidationResult::isOk);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    /** A coding of our own code systems, in our content or examples, shows the CodeSystem's display. */
    @Test
    void codingsOfOurCodeSystemsUseTheirDisplays() {
        Map<String, String> displays = new HashMap<>();
        for (Resource r : content()) {
            if (r instanceof CodeSystem codeSystem) {
                collectDisplays(codeSystem.getUrl(), codeSystem.getConcept(), displays);
            }
        }
        List<Resource> checked = new ArrayList<>(content());
        validExamples().forEach(file -> checked.add((Resource) file.resource()));
        List<String> mismatches = new ArrayList<>();
        for (Resource r : checked) {
            for (Coding coding : CTX.newTerser().getAllPopulatedChildElementsOfType(r, Coding.class)) {
                String expected = displays.get(coding.getSystem() + "|" + coding.getCode());
                if (coding.hasDisplay() && expected != null && !expected.equals(coding.getDisplay())) {
                    mismatches.add(r.getIdElement().getValue() + " " + coding.getCode() + ": '" + coding.getDisplay()
                            + "' instead of '" + expected + "'");
                }
            }
            if (r instanceof ConceptMap map) {
                for (var group : map.getGroup()) {
                    for (var element : group.getElement()) {
                        String expected = displays.get(group.getSource() + "|" + element.getCode());
                        if (element.hasDisplay() && expected != null && !expected.equals(element.getDisplay())) {
                            mismatches.add(map.getId() + " " + element.getCode() + ": '" + element.getDisplay() + "'");
                        }
                    }
                }
            }
        }
        assertThat(displays).hasSizeGreaterThan(50);
        assertThat(mismatches).isEmpty();
    }

    private static void collectDisplays(String system, List<CodeSystem.ConceptDefinitionComponent> concepts,
            Map<String, String> into) {
        for (CodeSystem.ConceptDefinitionComponent concept : concepts) {
            into.put(system + "|" + concept.getCode(), concept.getDisplay());
            collectDisplays(system, concept.getConcept(), into);
        }
    }

    @Test
    void everyValueSetExpands() {
        IValidationSupport support = validator.validationSupport();
        var context = new ValidationSupportContext(support);
        for (Resource r : content()) {
            if (r instanceof ValueSet vs) {
                var outcome = support.expandValueSet(context, new ValueSetExpansionOptions(), vs);
                assertThat(outcome).as(vs.getId()).isNotNull();
                assertThat(outcome.getError()).as(vs.getId()).isNull();
                ValueSet expansion = (ValueSet) outcome.getValueSet();
                assertThat(expansion.getExpansion().getContains()).as(vs.getId()).isNotEmpty();
            }
        }
    }

    @Test
    void geneValueSetHoldsTheGenesOfTheReview() {
        ValueSet genes = (ValueSet) content().stream()
                .filter(r -> r instanceof ValueSet && r.getIdElement().getIdPart().equals("resistance-genes"))
                .findFirst()
                .orElseThrow();
        Map<String, String> symbolToCode = genes.getCompose().getIncludeFirstRep().getConcept().stream()
                .collect(Collectors.toMap(ValueSet.ConceptReferenceComponent::getDisplay,
                        ValueSet.ConceptReferenceComponent::getCode));
        assertThat(symbolToCode)
                .containsKeys("B2M", "TAP2", "JAK1", "JAK2", "STK11", "KEAP1", "EGFR", "PTEN", "KRAS", "NOTCH1", "NOTCH3")
                .containsEntry("B2M", "HGNC:914")
                .containsEntry("STK11", "HGNC:11389");
        assertThat(genes.getCompose().getIncludeFirstRep().getSystem()).isEqualTo("http://www.genenames.org");
    }

    // ---------------------------------------------------------------------------------------------------

    private static List<SingleValidationMessage> errors(IBaseResource resource) {
        return validator.validate(resource).getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .toList();
    }

    private static String describe(List<SingleValidationMessage> messages) {
        return messages.stream()
                .map(m -> m.getLocationString() + " :: " + m.getMessage())
                .collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    private static Set<String> claimedProfiles(List<ContentFile> examples) {
        return examples.stream()
                .flatMap(f -> f.resource().getMeta().getProfile().stream())
                .map(p -> p.getValueAsString())
                .collect(Collectors.toSet());
    }

    private static CodeSystem codeSystem(String id) {
        return (CodeSystem) content().stream()
                .filter(r -> r instanceof CodeSystem && r.getIdElement().getIdPart().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no CodeSystem " + id));
    }

    private static List<CodeSystem.ConceptDefinitionComponent> flatten(List<CodeSystem.ConceptDefinitionComponent> concepts) {
        List<CodeSystem.ConceptDefinitionComponent> all = new ArrayList<>();
        for (var c : concepts) {
            all.add(c);
            all.addAll(flatten(c.getConcept()));
        }
        return all;
    }

    private static String property(CodeSystem.ConceptDefinitionComponent concept, String code) {
        return concept.getProperty().stream()
                .filter(p -> p.getCode().equals(code))
                .map(p -> p.getValue() instanceof Coding coding ? coding.getCode() : p.getValue().primitiveValue())
                .findFirst()
                .orElse(null);
    }
}
