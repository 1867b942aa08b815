package org.resistancecds.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.TerminologyCapabilities;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;

/** $expand, $validate-code, $lookup and $translate over HTTP, on the terminology the server installs at start. */
class TerminologyOperationsIT extends AbstractServerIT {

    private static final String BASE = "https://resistance-cds.org/fhir/";
    private static final String MECHANISM = BASE + "CodeSystem/resistance-mechanism";
    private static final String HGNC = "http://www.genenames.org";

    /**
     * Validation against a stored value set of another publisher: HAPI's terminology service first asks whether the
     * value set is a DSTU2 one, so the trimmed DSTU2 model must still hold that class (it did not: 500).
     */
    @Test
    void aCodeIsValidatedAgainstAStoredValueSetOfAnotherPublisher() throws Exception {
        String system = "http://example.org/CodeSystem/trim-probe";
        assertThat(putJson("/fhir/CodeSystem/trim-probe", "{\"resourceType\":\"CodeSystem\",\"id\":\"trim-probe\","
                + "\"url\":\"" + system + "\",\"status\":\"active\",\"content\":\"complete\",\"concept\":["
                + "{\"code\":\"a\"},{\"code\":\"b\"}]}").statusCode()).isIn(200, 201);
        assertThat(putJson("/fhir/ValueSet/trim-probe", "{\"resourceType\":\"ValueSet\",\"id\":\"trim-probe\","
                + "\"url\":\"http://example.org/ValueSet/trim-probe\",\"status\":\"active\",\"compose\":{"
                + "\"include\":[{\"system\":\"" + system + "\"}]}}").statusCode()).isIn(200, 201);

        HttpResponse<String> validated = postJson("/fhir/ConceptMap/$validate", "application/fhir+json",
                "{\"resourceType\":\"ConceptMap\",\"url\":\"http://example.org/ConceptMap/trim-probe\","
                + "\"status\":\"active\",\"sourceCanonical\":\"http://example.org/ValueSet/trim-probe\","
                + "\"group\":[{\"source\":\"" + system + "\",\"target\":\"http://hl7.org/fhir/administrative-gender\","
                + "\"element\":[{\"code\":\"a\",\"target\":[{\"code\":\"male\",\"equivalence\":\"equivalent\"}]}]}]}");

        assertThat(validated.statusCode()).as(validated.body()).isEqualTo(200);
        assertThat(validated.body()).doesNotContain("NoClassDefFoundError", "\"severity\":\"fatal\"");
    }

    // ---- $expand

    /** FHIR's terminology mode of the capability interaction; HAPI answered it with the CapabilityStatement. */
    @Test
    void metadataInTerminologyModeListsTheStoredCodeSystems() throws Exception {
        HttpResponse<String> response = get("/fhir/metadata?mode=terminology");
        HttpResponse<String> unknownMode = get("/fhir/metadata?mode=everything");

        assertThat(response.statusCode()).isEqualTo(200);
        TerminologyCapabilities capabilities =
                (TerminologyCapabilities) fhirContext.newJsonParser().parseResource(response.body());
        assertThat(capabilities.getCodeSystem())
                .extracting(TerminologyCapabilities.TerminologyCapabilitiesCodeSystemComponent::getUri)
                .contains("https://resistance-cds.org/fhir/CodeSystem/resistance-mechanism",
                        "https://resistance-cds.org/fhir/CodeSystem/evidence-level")
                .doesNotHaveDuplicates();
        assertThat(get("/fhir/metadata?mode=full").body()).contains("\"resourceType\":\"CapabilityStatement\"");
        assertThat(unknownMode.statusCode()).isEqualTo(400);
        assertThat(unknownMode.body()).contains("full, normative or terminology");
    }

    @Test
    void expandsTheGeneValueSetWithSymbolsAsDisplays() throws Exception {
        ValueSet expanded = expand("resistance-genes");

        Map<String, String> codeToDisplay = contains(expanded);
        assertThat(codeToDisplay)
                .containsEntry("HGNC:914", "B2M")
                .containsEntry("HGNC:44", "TAP2")
                .containsEntry("HGNC:6190", "JAK1")
                .containsEntry("HGNC:7883", "NOTCH3")
                .hasSize(11);
        assertThat(expanded.getExpansion().getContains()).allMatch(c -> c.getSystem().equals(HGNC));
    }

    @Test
    void expandsTheStatusValueSetToExactlyTheSevenStatuses() throws Exception {
        assertThat(contains(expand("acquired-resistance-status")).keySet())
                .containsExactlyInAnyOrder(
                        "acquired-resistance",
                        "acquired-resistance-suspected",
                        "primary-resistance",
                        "progression-after-discontinuation",
                        "responding",
                        "not-exposed",
                        "indeterminate");
    }

    @Test
    void expandsIciAgentsThroughTheImportedPd1Pdl1ValueSet() throws Exception {
        ValueSet expanded = expand("ici-agents");

        List<String> codes = expanded.getExpansion().getContains().stream()
                .map(c -> c.getSystem() + "|" + c.getCode())
                .toList();
        assertThat(codes)
                .contains(
                        "http://www.nlm.nih.gov/research/umls/rxnorm|1547545", // pembrolizumab, via the import
                        "http://www.whocc.no/atc|L01FF03", // durvalumab, via the import
                        "http://www.nlm.nih.gov/research/umls/rxnorm|1094833", // ipilimumab
                        "http://www.whocc.no/atc|L01FX20", // tremelimumab, ATC only
                        "http://www.whocc.no/atc|L01XC28", // durvalumab's code until 2021, via the import
                        "http://www.whocc.no/atc|L01XC11") // ipilimumab's code until 2021
                .doesNotContain("http://www.nlm.nih.gov/research/umls/rxnorm|1919505");
    }

    @Test
    void expandsAHierarchicalCodeSystemValueSetWithItsGroupsAndLeaves() throws Exception {
        Map<String, String> strategies = contains(expand("resistance-strategy"));

        assertThat(strategies)
                .containsEntry("personalized-combination", "Personalized combination therapy")
                .containsEntry("ici-plus-parp14-inhibitor", "Checkpoint inhibitor plus PARP14 inhibitor")
                .containsKey("collagen-barrier-disruption");
    }

    /** An expansion is a whole ValueSet, pages with count and offset, and filters by text. */
    @Test
    void expandsIntoAValidValueSetThatPagesAndFilters() throws Exception {
        String url = encode(BASE + "ValueSet/resistance-biomarker");
        ValueSet all = expand("resistance-biomarker");
        assertThat(all.getUrl()).isEqualTo(BASE + "ValueSet/resistance-biomarker");
        assertThat(all.getStatus()).isNotNull();
        assertThat(all.getExpansion().hasTimestamp()).isTrue();
        int total = all.getExpansion().getContains().size();
        assertThat(total).isGreaterThan(10);

        HttpResponse<String> page = get("/fhir/ValueSet/$expand?url=" + url + "&count=5&offset=5");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        ValueSet second = (ValueSet) parse(page.body());
        assertThat(second.getExpansion().getContains()).hasSize(5);
        assertThat(second.getExpansion().getOffset()).isEqualTo(5);
        assertThat(second.getExpansion().getContains()).extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
                .containsExactlyElementsOf(all.getExpansion().getContains().stream().skip(5).limit(5)
                        .map(ValueSet.ValueSetExpansionContainsComponent::getCode).toList());

        HttpResponse<String> filtered = get("/fhir/ValueSet/$expand?url=" + url + "&filter=hypoxia");
        assertThat(filtered.statusCode()).as(filtered.body()).isEqualTo(200);
        assertThat(contains((ValueSet) parse(filtered.body())).values())
                .isNotEmpty().allMatch(display -> display.toLowerCase().contains("hypoxia"));
    }

    /** HAPI's 404 gave the URL percent-encoded (http%3A%2F%2F...) and no way on; a version it lacks was the same. */
    @Test
    void expandingAnUnknownValueSetIsNotFoundWithItsUrlAsSent() throws Exception {
        HttpResponse<String> unknown = get("/fhir/ValueSet/$expand?url=" + encode("http://example.org/vs/none"));
        HttpResponse<String> posted = postJson("/fhir/ValueSet/$expand", "application/fhir+json",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"url\",\"valueUri\":"
                + "\"http://example.org/vs/none\"}]}");
        HttpResponse<String> otherVersion = get("/fhir/ValueSet/$expand?url="
                + encode(BASE + "ValueSet/resistance-genes") + "%7C9.9");

        for (HttpResponse<String> response : List.of(unknown, posted)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
            assertThat(response.body()).contains("knows no ValueSet http://example.org/vs/none, so it cannot expand it",
                    "valueSet parameter").doesNotContain("%3A");
        }
        assertThat(otherVersion.statusCode()).as(otherVersion.body()).isEqualTo(404);
        assertThat(otherVersion.body()).contains("not its version 9.9");
    }

    // ---- $validate-code

    @Test
    void validatesGeneCodesAgainstTheGeneValueSet() {
        Parameters b2m = validateCodeInValueSet("resistance-genes", HGNC, "HGNC:914");
        Parameters cd274 = validateCodeInValueSet("resistance-genes", HGNC, "HGNC:17635");

        assertThat(bool(b2m, "result")).isTrue();
        assertThat(bool(cd274, "result")).isFalse();
    }

    @Test
    void rejectsACodeOfTheWrongValueSet() {
        Parameters inflamed = validateCodeInValueSet("immune-phenotype", BASE + "CodeSystem/resistance-biomarker", "inflamed");
        Parameters hypoxia = validateCodeInValueSet("immune-phenotype", BASE + "CodeSystem/resistance-biomarker", "hypoxia");

        assertThat(bool(inflamed, "result")).isTrue();
        assertThat(bool(hypoxia, "result")).isFalse();
    }

    /**
     * HAPI answered 200 with result=false for both: for an unknown value set, a message about the code's system; for
     * a code without its system, that the code was not in the value set although it was.
     */
    @Test
    void anUnknownValueSetIsNotFoundAndACodeNeedsItsSystem() throws Exception {
        String genes = encode(BASE + "ValueSet/resistance-genes");
        HttpResponse<String> unknown = get("/fhir/ValueSet/$validate-code?url=" + encode("http://example.org/vs/none")
                + "&system=" + encode(HGNC) + "&code=HGNC:914");
        HttpResponse<String> noSystem = get("/fhir/ValueSet/$validate-code?url=" + genes + "&code=HGNC:914");
        HttpResponse<String> noSystemInBody = postJson("/fhir/ValueSet/$validate-code", "application/fhir+json",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"url\",\"valueUri\":\"" + BASE
                + "ValueSet/resistance-genes\"},{\"name\":\"code\",\"valueCode\":\"HGNC:914\"}]}");
        HttpResponse<String> core = get("/fhir/ValueSet/$validate-code?url="
                + encode("http://hl7.org/fhir/ValueSet/administrative-gender") + "&system="
                + encode("http://hl7.org/fhir/administrative-gender") + "&code=male");

        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.body()).contains("OperationOutcome", "http://example.org/vs/none");
        assertThat(noSystem.statusCode()).as(noSystem.body()).isEqualTo(400);
        assertThat(noSystem.body()).contains("without its system");
        assertThat(noSystemInBody.statusCode()).as(noSystemInBody.body()).isEqualTo(400);
        HttpResponse<String> otherVersion = get("/fhir/ValueSet/$validate-code?url=" + genes + "%7C9.9&system="
                + encode(HGNC) + "&code=HGNC:914");
        HttpResponse<String> heldVersion = get("/fhir/ValueSet/$validate-code?url=" + genes + "%7C0.1.0&system="
                + encode(HGNC) + "&code=HGNC:914");
        assertThat(otherVersion.statusCode()).as(otherVersion.body()).isEqualTo(404);
        assertThat(otherVersion.body()).contains("not its version 9.9");
        assertThat(heldVersion.statusCode()).as(heldVersion.body()).isEqualTo(200);
        assertThat(core.statusCode()).as("a value set of the specification is known").isEqualTo(200);
        assertThat(bool((Parameters) parse(core.body()), "result")).isTrue();
    }

    /** The value set is found once stored, though the server had just answered that it knew none by that URL. */
    @Test
    void aValueSetStoredAfterA404IsFound() throws Exception {
        String url = "http://example.org/ValueSet/stored-later";
        String query = "/fhir/ValueSet/$validate-code?url=" + encode(url) + "&system="
                + encode("http://hl7.org/fhir/administrative-gender") + "&code=female";
        assertThat(get(query).statusCode()).isEqualTo(404);

        assertThat(putJson("/fhir/ValueSet/stored-later", "{\"resourceType\":\"ValueSet\",\"id\":\"stored-later\","
                + "\"url\":\"" + url + "\",\"status\":\"active\",\"compose\":{\"include\":[{\"system\":"
                + "\"http://hl7.org/fhir/administrative-gender\",\"concept\":[{\"code\":\"female\"}]}]}}")
                .statusCode()).isIn(200, 201);
        HttpResponse<String> found = get(query);

        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        assertThat(bool((Parameters) parse(found.body()), "result")).isTrue();
    }

    @Test
    void validatesCodesAgainstTheStatusCodeSystem() {
        Parameters known = fhirClient().operation()
                .onType("CodeSystem")
                .named("$validate-code")
                .withParameter(Parameters.class, "url", new UriType(BASE + "CodeSystem/acquired-resistance-status"))
                .andParameter("code", new CodeType("acquired-resistance-suspected"))
                .execute();
        Parameters unknown = fhirClient().operation()
                .onType("CodeSystem")
                .named("$validate-code")
                .withParameter(Parameters.class, "url", new UriType(BASE + "CodeSystem/acquired-resistance-status"))
                .andParameter("code", new CodeType("secondary-resistance"))
                .execute();

        assertThat(bool(known, "result")).isTrue();
        assertThat(string(known, "display")).isEqualTo("Acquired resistance suspected");
        assertThat(bool(unknown, "result")).isFalse();
    }

    // ---- $lookup

    @Test
    void looksUpADiagnosticMethodWithItsClinicalAvailability() {
        Parameters result = lookup(BASE + "CodeSystem/diagnostic-method", "liquid-biopsy-exosomal-pd-l1");

        assertThat(string(result, "display")).isEqualTo("Liquid biopsy (exosomal PD-L1)");
        assertThat(properties(result)).containsEntry("clinical-availability", "medium");
    }

    /** HAPI answered 200 with an empty display for a version the server does not hold. */
    @Test
    void looksUpByVersionAndAnUnheldVersionIsNotFound() throws Exception {
        String system = encode(BASE + "CodeSystem/diagnostic-method");
        HttpResponse<String> held = get("/fhir/CodeSystem/$lookup?system=" + system + "&code=tissue-ngs&version=0.1.0");
        assertThat(held.statusCode()).as(held.body()).isEqualTo(200);
        assertThat(string((Parameters) parse(held.body()), "version")).isEqualTo("0.1.0");

        HttpResponse<String> other = get("/fhir/CodeSystem/$lookup?system=" + system + "&code=tissue-ngs&version=9.9");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(404);
    }

    @Test
    void looksUpAStrategyWithItsEvidenceLevel() {
        Parameters result = lookup(BASE + "CodeSystem/resistance-strategy", "ici-plus-parp14-inhibitor");

        assertThat(string(result, "display")).isEqualTo("Checkpoint inhibitor plus PARP14 inhibitor");
        assertThat(properties(result)).containsEntry("evidence-level", "preclinical");
    }

    /** HAPI's own lookup answered 500 on integer and boolean properties and left out the hierarchy. */
    @Test
    void lookupKeepsEachPropertysTypeAndGivesTheHierarchy() {
        Parameters level = lookup(BASE + "CodeSystem/evidence-level", "early-phase-trial");
        Parameters group = lookup(BASE + "CodeSystem/resistance-biomarker", "tme-finding");
        Parameters leaf = lookup(BASE + "CodeSystem/resistance-mechanism", "antigen-presentation-defect");

        assertThat(propertyValue(level, "rank")).isInstanceOf(IntegerType.class);
        assertThat(bool(level, "abstract")).isFalse();
        assertThat(propertyValue(group, "notSelectable")).isInstanceOf(BooleanType.class);
        assertThat(bool(group, "abstract")).isTrue();
        assertThat(properties(group).get("child")).isNotBlank();
        assertThat(properties(leaf)).containsEntry("parent", "tumor-intrinsic");
        assertThat(propertyValue(leaf, "parent")).isInstanceOf(CodeType.class);
    }

    /** HAPI's database lookup answered 500 (HAPI-0905) on a client's code system with an integer property. */
    @Test
    void lookupInAClientsCodeSystemKeepsEachPropertysType() throws Exception {
        String system = "http://example.org/CodeSystem/typed-properties";
        String typedProperties = "{\"resourceType\":\"CodeSystem\","
                + "\"id\":\"typed-properties\",\"url\":\"" + system + "\",\"status\":\"active\","
                + "\"content\":\"complete\",\"property\":[{\"code\":\"rank\",\"type\":\"integer\"},"
                + "{\"code\":\"weight\",\"type\":\"decimal\"},{\"code\":\"since\",\"type\":\"dateTime\"}],"
                + "\"concept\":[{\"code\":\"grade\",\"display\":\"Grade\",\"concept\":[{\"code\":\"grade-2\","
                + "\"display\":\"Grade 2\",\"property\":[{\"code\":\"rank\",\"valueInteger\":2},"
                + "{\"code\":\"weight\",\"valueDecimal\":1.5},{\"code\":\"since\",\"valueDateTime\":\"2020-01-01\"}]}]}]}";
        assertThat(putJson("/fhir/CodeSystem/typed-properties", typedProperties).statusCode()).isIn(200, 201);

        Parameters found = lookup(system, "grade-2");
        HttpResponse<String> unlisted = get("/fhir/CodeSystem/$lookup?system=" + encode(system) + "&code=grade-9");

        assertThat(string(found, "display")).isEqualTo("Grade 2");
        assertThat(propertyValue(found, "rank")).isInstanceOf(IntegerType.class);
        assertThat(propertyValue(found, "weight")).isInstanceOf(DecimalType.class);
        assertThat(propertyValue(found, "since")).isInstanceOf(DateTimeType.class);
        assertThat(properties(found)).containsEntry("parent", "grade");
        assertThat(unlisted.statusCode()).as(unlisted.body()).isEqualTo(404);

        // A corrected display is looked up at once, not after the validation chain's 10-minute cache time.
        assertThat(putJson("/fhir/CodeSystem/typed-properties", typedProperties.replace("Grade 2", "Grade II"))
                .statusCode()).isEqualTo(200);
        assertThat(string(lookup(system, "grade-2"), "display")).isEqualTo("Grade II");
    }

    /** An older stored version of a client's code system was still HAPI's 500 (review). */
    @Test
    void lookupInAnOlderVersionOfAClientsCodeSystem() throws Exception {
        String system = "http://example.org/CodeSystem/graded";
        for (String version : List.of("1", "2")) {
            assertThat(putJson("/fhir/CodeSystem/graded-" + version, "{\"resourceType\":\"CodeSystem\",\"id\":\"graded-"
                    + version + "\",\"url\":\"" + system + "\",\"version\":\"" + version + "\",\"status\":\"active\","
                    + "\"content\":\"complete\",\"property\":[{\"code\":\"rank\",\"type\":\"integer\"}],\"concept\":["
                    + "{\"code\":\"g1\",\"display\":\"Grade one v" + version + "\",\"property\":[{\"code\":\"rank\","
                    + "\"valueInteger\":1}]}]}").statusCode()).isIn(200, 201);
        }

        HttpResponse<String> older = get("/fhir/CodeSystem/$lookup?system=" + encode(system) + "&code=g1&version=1");

        assertThat(older.statusCode()).as(older.body()).isEqualTo(200);
        assertThat(string((Parameters) parse(older.body()), "display")).isEqualTo("Grade one v1");
    }

    @Test
    void lookupOfAnUnknownCodeIsNotFound() throws Exception {
        HttpResponse<String> response =
                get("/fhir/CodeSystem/$lookup?system=" + encode(MECHANISM) + "&code=no-such-mechanism");

        assertThat(response.statusCode()).isEqualTo(404);
        OperationOutcome outcome = (OperationOutcome) parse(response.body());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    }

    /** The validator's module for code systems this server does not hold answered 200 with an empty display. */
    @Test
    void lookupInACodeSystemThisServerDoesNotHoldIsNotFound() throws Exception {
        for (String system : List.of(BASE + "CodeSystem/no-such-system", "http://loinc.org")) {
            HttpResponse<String> response = get("/fhir/CodeSystem/$lookup?system=" + encode(system) + "&code=8310-5");

            assertThat(response.statusCode()).as(system + ": " + response.body()).isEqualTo(404);
            assertThat(parse(response.body())).as(system).isInstanceOf(OperationOutcome.class);
        }
        HttpResponse<String> posted = postJson("/fhir/CodeSystem/$lookup", "application/fhir+json",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"coding\",\"valueCoding\":"
                        + "{\"system\":\"http://loinc.org\",\"code\":\"8310-5\"}}]}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(404);
        assertThat(posted.body()).contains("holds no code system http://loinc.org");
        // A code system it holds is still looked up, by either form.
        assertThat(get("/fhir/CodeSystem/$lookup?system=" + encode(MECHANISM) + "&code=antigen-presentation-defect")
                .statusCode()).isEqualTo(200);
    }

    // ---- $translate

    @Test
    void translatesAMechanismToItsTable3Strategy() {
        Parameters result = translate("mechanism-to-strategy", "ifn-gamma-signaling-alteration");

        assertThat(bool(result, "result")).isTrue();
        assertThat(matches(result)).containsExactly(BASE + "CodeSystem/resistance-strategy|ici-plus-parp14-inhibitor");
    }

    @Test
    void translatesAMechanismToEveryTable2MethodThatDetectsIt() {
        Parameters result = translate("mechanism-to-diagnostic-method", "physical-barrier-hypoxia");

        assertThat(matches(result))
                .containsExactlyInAnyOrder(
                        BASE + "CodeSystem/diagnostic-method|spatial-transcriptomics",
                        BASE + "CodeSystem/diagnostic-method|ai-radiomics");
    }

    @Test
    void translationOfAMechanismWithoutATable3StrategyFindsNothing() {
        Parameters result = translate("mechanism-to-strategy", "metabolic-reprogramming");

        assertThat(bool(result, "result")).isFalse();
        assertThat(matches(result)).isEmpty();
    }

    /** HAPI answered 200 with result=false, as if the map had no entry for the code. */
    @Test
    void translationWithAMapTheServerDoesNotHoldIsNotFound() throws Exception {
        assertThatThrownBy(() -> translate("no-such-map", "metabolic-reprogramming"))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("holds no ConceptMap");
        HttpResponse<String> byGet = get("/fhir/ConceptMap/$translate?url=" + encode(BASE + "ConceptMap/no-such-map")
                + "&system=" + encode(MECHANISM) + "&code=metabolic-reprogramming");
        assertThat(byGet.statusCode()).as(byGet.body()).isEqualTo(404);
    }

    // ---------------------------------------------------------------------------------------------------

    private ValueSet expand(String valueSetId) throws Exception {
        HttpResponse<String> response = get("/fhir/ValueSet/$expand?url=" + encode(BASE + "ValueSet/" + valueSetId));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (ValueSet) parse(response.body());
    }

    /**
     * HAPI's reverse lookup kept one source per target code: the genes of IFN-gamma signalling loss came back as JAK1
     * alone. Every map's reverse answer now lists every element that maps to the code.
     */
    @Test
    void reverseTranslationFindsEverySourceMappedToTheCode() throws Exception {
        String map = BASE + "ConceptMap/gene-to-mechanism";
        Parameters reverse = fhirClient().operation().onType("ConceptMap").named("$translate")
                .withParameter(Parameters.class, "url", new UriType(map))
                .andParameter("system", new UriType(MECHANISM))
                .andParameter("code", new CodeType("ifn-gamma-signaling-alteration"))
                .andParameter("reverse", new BooleanType(true))
                .execute();

        assertThat(bool(reverse, "result")).isTrue();
        assertThat(matches(reverse)).contains("http://www.genenames.org|HGNC:6190", "http://www.genenames.org|HGNC:6192");

        ConceptMap stored = (ConceptMap) fhirClient().search().byUrl("ConceptMap?url=" + map).returnBundle(Bundle.class)
                .execute().getEntryFirstRep().getResource();
        for (ConceptMap.ConceptMapGroupComponent group : stored.getGroup()) {
            Map<String, List<String>> sourcesByTarget = new HashMap<>();
            group.getElement().forEach(element -> element.getTarget().forEach(target -> sourcesByTarget
                    .computeIfAbsent(target.getCode(), code -> new ArrayList<>())
                    .add(group.getSource() + "|" + element.getCode())));
            for (Map.Entry<String, List<String>> target : sourcesByTarget.entrySet()) {
                HttpResponse<String> answer = get("/fhir/ConceptMap/$translate?url=" + encode(map) + "&system="
                        + encode(group.getTarget()) + "&code=" + encode(target.getKey()) + "&reverse=true");
                assertThat(matches((Parameters) parse(answer.body()))).as(target.getKey())
                        .containsExactlyInAnyOrderElementsOf(new LinkedHashSet<>(target.getValue()));
            }
        }
    }

    private Parameters validateCodeInValueSet(String valueSetId, String system, String code) {
        return fhirClient().operation()
                .onType(ValueSet.class)
                .named("$validate-code")
                .withParameter(Parameters.class, "url", new UriType(BASE + "ValueSet/" + valueSetId))
                .andParameter("system", new UriType(system))
                .andParameter("code", new CodeType(code))
                .execute();
    }

    private Parameters lookup(String system, String code) {
        return fhirClient().operation()
                .onType("CodeSystem")
                .named("$lookup")
                .withParameter(Parameters.class, "system", new UriType(system))
                .andParameter("code", new CodeType(code))
                .execute();
    }

    private Parameters translate(String conceptMapId, String mechanism) {
        IGenericClient client = fhirClient();
        return client.operation()
                .onType("ConceptMap")
                .named("$translate")
                .withParameter(Parameters.class, "url", new UriType(BASE + "ConceptMap/" + conceptMapId))
                .andParameter("system", new UriType(MECHANISM))
                .andParameter("code", new CodeType(mechanism))
                .execute();
    }

    private IBaseResource parse(String json) {
        return fhirContext.newJsonParser().parseResource(json);
    }

    private static Map<String, String> contains(ValueSet expanded) {
        return expanded.getExpansion().getContains().stream()
                .collect(Collectors.toMap(ValueSet.ValueSetExpansionContainsComponent::getCode,
                        ValueSet.ValueSetExpansionContainsComponent::getDisplay));
    }

    private static boolean bool(Parameters parameters, String name) {
        return ((BooleanType) parameters.getParameter(name).getValue()).booleanValue();
    }

    private static String string(Parameters parameters, String name) {
        return parameters.getParameter(name).getValue().primitiveValue();
    }

    private static Type propertyValue(Parameters parameters, String code) {
        return parameters.getParameter().stream()
                .filter(p -> p.getName().equals("property") && code.equals(part(p, "code")))
                .flatMap(p -> p.getPart().stream())
                .filter(p -> p.getName().equals("value"))
                .map(Parameters.ParametersParameterComponent::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no property " + code));
    }

    /** property name to value ({@code $lookup} returns each as a part pair code/value). */
    private static Map<String, String> properties(Parameters parameters) {
        return parameters.getParameter().stream()
                .filter(p -> p.getName().equals("property"))
                .collect(Collectors.toMap(
                        p -> part(p, "code"), p -> part(p, "value"), (a, b) -> a + "," + b));
    }

    private static String part(Parameters.ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream()
                .filter(p -> p.getName().equals(name))
                .map(p -> p.getValue() instanceof Coding c ? c.getCode() : p.getValue().primitiveValue())
                .findFirst()
                .orElse(null);
    }

    /** Each match's concept as {@code system|code}. */
    private static List<String> matches(Parameters parameters) {
        return parameters.getParameter().stream()
                .filter(p -> p.getName().equals("match"))
                .flatMap(p -> p.getPart().stream())
                .filter(p -> p.getName().equals("concept"))
                .map(p -> (Coding) p.getValue())
                .map(c -> c.getSystem() + "|" + c.getCode())
                .toList();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
