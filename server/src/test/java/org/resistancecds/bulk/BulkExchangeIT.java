package org.resistancecds.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.resistancecds.AbstractOpenServerIT;

/**
 * Bulk exchange over HTTP on the golden scenarios stored as a cohort: Patient {@code $everything}, and FHIR Bulk
 * Data {@code $export} at system, Patient and Group level from kick-off through polling to the NDJSON files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkExchangeIT extends AbstractOpenServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEIGHT = "8302-2";
    private static final String WEIGHT = "29463-7";
    private static final String HEART_RATE = "8867-4";
    /** The Observations of the fixture stored after {@link #since}, of an old patient and a new one. */
    private static final String[] OBSERVATIONS_SINCE = {"since-new-height", "since-new-weight", "since-new-heart-rate"};

    /** Between the resources written before it ({@code since-old*}) and after it ({@code since-new*}). */
    private Instant since;

    /** The cohort, then the {@code _since} fixture: everything stored here before {@link #since} is old. */
    @BeforeAll
    void storeCohort() throws Exception {
        storeScenarios(List.of("acquired-resistance-b2m-loss", "acquired-resistance-jak1-jak2",
                "acquired-resistance-kras-stk11", "acquired-resistance-egfr-pten", "primary-resistance", "responding",
                "empty-record", "acquired-resistance-multiple-mechanisms"));
        storeTransaction(patient("since-old"), observation("since-old-height", "since-old", HEIGHT),
                observation("since-old-weight", "since-old", WEIGHT),
                observation("since-old-heart-rate", "since-old", HEART_RATE));
        // The test shares the server's clock: everything above was stored before this instant, all below after it.
        since = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
        while (!Instant.now().isAfter(since)) {
            Thread.onSpinWait();
        }
        storeTransaction(patient("since-new"), observation("since-new-height", "since-old", HEIGHT),
                observation("since-new-weight", "since-old", WEIGHT),
                observation("since-new-heart-rate", "since-new", HEART_RATE));
    }

    @Test
    void everythingReturnsThePatientAndItsRecord() throws Exception {
        HttpResponse<String> response = get("/fhir/Patient/sc-b2m/$everything?_count=200");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Integer> types = new HashMap<>();
        Set<String> subjects = new HashSet<>();
        for (JsonNode entry : JSON.readTree(response.body()).path("entry")) {
            JsonNode resource = entry.get("resource");
            types.merge(resource.get("resourceType").asText(), 1, Integer::sum);
            if (resource.has("subject")) {
                subjects.add(resource.at("/subject/reference").asText());
            }
        }
        assertThat(types).containsEntry("Patient", 1).containsKey("Observation").containsKey("MedicationStatement");
        assertThat(subjects).containsOnly("Patient/sc-b2m");
    }

    /** HAPI accepted _since on $everything and answered the whole chart (hapi-fhir issue 8039). */
    @Test
    void everythingSinceAnswersOnlyWhatChangedOnEveryPage() throws Exception {
        String query = "/fhir/Patient/since-old/$everything?_count=1&_since=" + since;
        List<JsonNode> entries = new ArrayList<>();
        String next = baseUrl() + query;
        for (int page = 0; next != null && page < 50; page++) {
            JsonNode bundle = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(next)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(bundle.has("total")).as("HAPI's total counts the whole chart").isFalse();
            bundle.path("entry").forEach(entry -> entries.add(entry.get("resource")));
            next = null;
            for (JsonNode link : bundle.path("link")) {
                if ("next".equals(link.path("relation").asText())) {
                    next = link.path("url").asText();
                }
            }
        }

        assertThat(entries).extracting(resource -> resource.get("id").asText())
                .contains("since-new-height", "since-new-weight")
                .doesNotContain("since-old", "since-old-height", "since-old-weight", "since-old-heart-rate");
        assertThat(entries).allSatisfy(resource -> assertThat(
                java.time.OffsetDateTime.parse(resource.at("/meta/lastUpdated").asText()).toInstant()).isAfterOrEqualTo(since));
        assertThat(get("/fhir/Patient/since-old/$everything?_lastUpdated=gt2020-01-01").statusCode()).isEqualTo(400);
        assertThat(get("/fhir/Patient/since-old/$everything?start=2030-01-01").statusCode()).isEqualTo(400);
    }

    @Test
    void systemExportWritesEveryStoredPatientAsNdjson() throws Exception {
        Map<String, List<JsonNode>> files = export("/fhir/$export?_type=Patient,Observation");

        Set<String> patients = ids(files.get("Patient"));
        assertThat(patients).contains("sc-b2m", "sc-jak", "sc-responding", "sc-empty");
        assertThat(files.get("Observation")).isNotEmpty()
                .allSatisfy(line -> assertThat(line.get("resourceType").asText()).isEqualTo("Observation"));
    }

    @Test
    void patientExportWritesPatientCompartments() throws Exception {
        Map<String, List<JsonNode>> files = export("/fhir/Patient/$export?_type=Patient,MedicationStatement");

        assertThat(ids(files.get("Patient"))).contains("sc-b2m", "sc-kras-stk11");
        assertThat(files.get("MedicationStatement")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.at("/subject/reference").asText()).startsWith("Patient/sc-"));
    }

    @Test
    void groupExportWritesOnlyTheMembers() throws Exception {
        storeGroup("bulk-cohort", "sc-b2m", "sc-jak");

        Map<String, List<JsonNode>> files = export("/fhir/Group/bulk-cohort/$export?_type=Patient,Observation");

        assertThat(ids(files.get("Patient"))).containsExactlyInAnyOrder("sc-b2m", "sc-jak");
        Set<String> subjects = new HashSet<>();
        files.get("Observation").forEach(o -> subjects.add(o.at("/subject/reference").asText()));
        assertThat(subjects).containsExactlyInAnyOrder("Patient/sc-b2m", "Patient/sc-jak");
    }

    /** HAPI failed these with a NullPointerException (500). */
    @Test
    void aStatusPollThatNamesNoJobIsRefusedWith400SayingSo() throws Exception {
        List<HttpResponse<String>> answers = List.of(
                get("/fhir/$export-poll-status"),
                get("/fhir/$import-poll-status"),
                get("/fhir/$import-poll-status?_jobId="),
                postJson("/fhir/$import-poll-status", "application/fhir+json", "{\"resourceType\":\"Parameters\"}"));
        for (HttpResponse<String> answer : answers) {
            String what = answer.request().method() + " " + answer.request().uri().getRawPath();
            assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.body()).as(what).contains("OperationOutcome", "_jobId=<id>", "Content-Location");
        }
        // A job id in a Parameters body is the POST form HAPI reads: it gets past the check to the job look-up.
        HttpResponse<String> unknownJob = postJson("/fhir/$export-poll-status", "application/fhir+json",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_jobId\",\"valueString\":\"no-such-job\"}]}");
        assertThat(unknownJob.body()).doesNotContain("_jobId=<id>");
    }

    /** HAPI said 120 seconds to every poll; a job here advances once per maintenance pass (1 s in these tests). */
    @Test
    void aPollWhileTheJobRunsSaysToRetryAfterOneMaintenancePass() throws Exception {
        HttpResponse<String> kickOff = kickOff("/fhir/$export?_type=Patient");
        assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
        String status = kickOff.headers().firstValue("Content-Location").orElseThrow();

        HttpResponse<String> poll = http.send(HttpRequest.newBuilder(URI.create(status)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(poll.statusCode()).as(poll.body()).isEqualTo(202);
        assertThat(poll.headers().allValues("Retry-After")).containsExactly("1");
        assertThat(BulkJobs.awaitDone(http, status).statusCode()).isEqualTo(200);
    }

    /** HAPI exported every Observation for the first and failed the job with a 500 poll for the second. */
    @Test
    void aTypeFilterThatIsNoSearchIsRefusedAtKickOff() throws Exception {
        for (String filter : List.of("garbage", "Observation%3Fbogusparam%3Dx", "Nothing%3Fcode%3Dx")) {
            HttpResponse<String> refused = kickOff("/fhir/$export?_type=Observation&_typeFilter=" + filter);
            assertThat(refused.statusCode()).as(filter + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("OperationOutcome", "_typeFilter").doesNotContain("Exception");
        }
    }

    /** More patients than a search page holds: HAPI's own synchronous searches in the export must not be capped. */
    @Test
    void patientExportOfMorePatientsThanAPageExportsThemAll() throws Exception {
        storeTransaction(IntStream.range(0, 210).mapToObj(i -> patient("bulk-many-" + i)).toArray(String[]::new));

        Map<String, List<JsonNode>> files = export("/fhir/Patient/$export?_type=Patient,Observation");

        assertThat(ids(files.get("Patient")).stream().filter(id -> id.startsWith("bulk-many-"))).hasSize(210);
    }

    /** HAPI 8.8.0 ignored _since at Patient level and exported everything of the types asked for. */
    @Test
    void patientExportSinceLeavesOutWhatDidNotChangeSince() throws Exception {
        Map<String, List<JsonNode>> files = export("/fhir/Patient/$export?_type=Patient,Observation&_since=" + since);

        assertThat(ids(files.get("Observation"))).containsExactlyInAnyOrder(OBSERVATIONS_SINCE);
        assertThat(ids(files.get("Patient"))).contains("since-new").doesNotContain("since-old", "sc-b2m");
    }

    /** Several _typeFilters of one type are OR'ed: _since has to narrow each, including one with its own bound. */
    @Test
    void patientExportSinceNarrowsEachTypeFilter() throws Exception {
        String filters = typeFilter("Observation?code=http://loinc.org|" + HEIGHT)
                + "&" + typeFilter("Observation?code=http://loinc.org|" + WEIGHT)
                + "&" + typeFilter("Observation?code=http://loinc.org|" + HEART_RATE + "&_lastUpdated=gt2000-01-01");

        Map<String, List<JsonNode>> files =
                export("/fhir/Patient/$export?_type=Observation&_since=" + since + "&" + filters);

        assertThat(ids(files.get("Observation"))).containsExactlyInAnyOrder(OBSERVATIONS_SINCE);
    }

    @Test
    void patientExportSinceWithATypeFilterEndingBeforeItIsAClientError() throws Exception {
        HttpResponse<String> kickOff =
                kickOff("/fhir/Patient/$export?_since=" + since + "&" + typeFilter("Observation?_lastUpdated=lt2000-01-01"));

        assertThat(kickOff.statusCode()).isEqualTo(400);
        assertThat(kickOff.body()).contains("OperationOutcome", "can match nothing");
    }

    @Test
    void groupExportSinceLeavesOutWhatDidNotChangeSince() throws Exception {
        storeGroup("since-cohort", "since-old", "since-new");

        Map<String, List<JsonNode>> files =
                export("/fhir/Group/since-cohort/$export?_type=Patient,Observation&_since=" + since);

        assertThat(ids(files.get("Observation"))).containsExactlyInAnyOrder(OBSERVATIONS_SINCE);
        assertThat(ids(files.get("Patient"))).containsExactly("since-new");
    }

    /** The system level honoured _since before; it must still. */
    @Test
    void systemExportSinceLeavesOutWhatDidNotChangeSince() throws Exception {
        Map<String, List<JsonNode>> files = export("/fhir/$export?_type=Observation&_since=" + since);

        assertThat(ids(files.get("Observation"))).containsExactlyInAnyOrder(OBSERVATIONS_SINCE);
    }

    @Test
    void exportWithoutPreferRespondAsyncIsAClientError() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(fhirBase() + "/$export"))
                .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("OperationOutcome");
    }

    @Test
    void ndjsonImportLoadsACohortFromUrls() throws Exception {
        // Two new patients as an NDJSON file, served over HTTP as a bulk data source would serve it.
        String ndjson = """
                {"resourceType":"Patient","id":"import-1","gender":"female","birthDate":"1961-02-03"}
                {"resourceType":"Patient","id":"import-2","gender":"male","birthDate":"1957-09-30"}
                """;

        HttpResponse<String> done = BulkJobs.importNdjson(http, fhirBase(), Map.of("Patient", ndjson));

        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(get("/fhir/Patient/import-1").statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(get("/fhir/Patient/import-2").body()).get("birthDate").asText()).isEqualTo("1957-09-30");
    }

    /**
     * An export of a server that assigned numeric ids (HAPI's default, and this server's before) imports whole: the
     * Communications re-evaluation had stored were refused with HAPI-0960, and a round trip lost them.
     */
    @Test
    void ndjsonImportKeepsNumericIdsAndServerIdsAreNotNumbers() throws Exception {
        String numeric = "9" + (System.nanoTime() % 1_000_000_000L);
        String ndjson = "{\"resourceType\":\"Basic\",\"id\":\"" + numeric
                + "\",\"code\":{\"text\":\"exported from a server with numeric ids\"}}\n";

        HttpResponse<String> done = BulkJobs.importNdjson(http, fhirBase(), Map.of("Basic", ndjson));

        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(get("/fhir/Basic/" + numeric).statusCode()).isEqualTo(200);
        HttpResponse<String> created = postJson("/fhir/Basic", "application/fhir+json",
                "{\"resourceType\":\"Basic\",\"code\":{\"text\":\"server-assigned id\"}}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("id").asText()).doesNotMatch("[0-9]+");
    }

    /** An import is validated as REST writes are: the invalid example is refused with its error, and not stored. */
    @Test
    void ndjsonImportRefusesAResourceThatFailsValidation() throws Exception {
        String invalid;
        try (var in = getClass().getResourceAsStream(
                "/content/examples/invalid/Observation-mechanism-without-confidence.json")) {
            invalid = JSON.readTree(in).toString();
        }
        String id = JSON.readTree(invalid).get("id").asText();

        HttpResponse<String> done = BulkJobs.importNdjson(http, fhirBase(), Map.of("Observation", invalid + "\n"));

        assertThat(done.statusCode()).as(done.body()).isNotEqualTo(200);
        assertThat(done.body()).contains("failed validation");
        assertThat(get("/fhir/Observation/" + id).statusCode()).isEqualTo(404);
    }

    /**
     * Knowledge an import stores is checked as a REST write of it is: a strategy labelled "approved" against the
     * strategy CodeSystem's "preclinical" fails the job and leaves the stored PlanDefinition as it was (it was
     * stored, and every later knowledge write through the API refused).
     */
    @Test
    void ndjsonImportRefusesKnowledgeThatWouldNotCompile() throws Exception {
        String path = "/fhir/PlanDefinition/acquired-resistance-strategies";
        String before = JSON.readTree(get(path).body()).at("/meta/versionId").asText();
        JsonNode plan;
        try (var in = getClass().getResourceAsStream(
                "/content/knowledge/PlanDefinition-acquired-resistance-strategies.json")) {
            plan = JSON.readTree(in);
        }
        for (JsonNode action : plan.at("/action/0/action")) {
            if (action.get("id").asText().equals("ici-plus-cox2-inhibitor")) {
                ((ObjectNode) action.at("/extension/0/valueCodeableConcept/coding/0"))
                        .put("code", "approved").put("display", "Approved");
            }
        }
        assertThat(plan.toString()).contains("\"approved\"");

        HttpResponse<String> done = BulkJobs.importNdjson(http, fhirBase(), Map.of("PlanDefinition", plan + "\n"));

        assertThat(done.statusCode()).as(done.body()).isNotEqualTo(200);
        assertThat(done.body()).contains("would not compile", "ici-plus-cox2-inhibitor", "states evidence level 'approved'");
        JsonNode stored = JSON.readTree(get(path).body());
        assertThat(stored.at("/meta/versionId").asText()).isEqualTo(before);
        assertThat(stored.toString()).doesNotContain("\"approved\"");
    }

    /**
     * The resources of one import are checked together, as a transaction's are: two new PlanDefinitions with one
     * canonical URL each compiled beside the stored knowledge alone, were both stored, and the knowledge then did
     * not compile. Now the job fails and the URL is not stored twice.
     */
    @Test
    void ndjsonImportChecksItsKnowledgeTogether() throws Exception {
        String url = "https://resistance-cds.org/fhir/PlanDefinition/import-twice-" + System.nanoTime();
        JsonNode plan;
        try (var in = getClass().getResourceAsStream("/content/knowledge/PlanDefinition-resistance-monitoring.json")) {
            plan = JSON.readTree(in);
        }
        // Never applies, so that a copy stored by the entry-by-entry retry changes no other test's cards.
        ((ObjectNode) plan.at("/action/0/condition/0/expression"))
                .put("expression", "false");
        StringBuilder ndjson = new StringBuilder();
        for (String id : List.of("import-twice-a", "import-twice-b")) {
            ((ObjectNode) plan).put("id", id).put("url", url);
            ndjson.append(plan).append('\n');
        }

        HttpResponse<String> done = BulkJobs.importNdjson(http, fhirBase(), Map.of("PlanDefinition", ndjson.toString()));

        assertThat(done.statusCode()).as(done.body()).isNotEqualTo(200);
        assertThat(done.body()).contains("would not compile", "share the canonical URL");
        String found = get("/fhir/PlanDefinition?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8)
                + "&_summary=count").body();
        assertThat(JSON.readTree(found).get("total").asInt()).isLessThanOrEqualTo(1);
        for (String id : List.of("import-twice-a", "import-twice-b")) {
            http.send(HttpRequest.newBuilder(URI.create(fhirBase() + "/PlanDefinition/" + id)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private HttpResponse<String> kickOff(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Accept", "application/fhir+json")
                .header("Prefer", "respond-async")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Kick-off, polling of Content-Location until the manifest is ready, download of every NDJSON file. */
    private Map<String, List<JsonNode>> export(String kickOffPath) throws Exception {
        HttpResponse<String> kickOff = kickOff(kickOffPath);
        assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
        HttpResponse<String> poll =
                BulkJobs.awaitDone(http, kickOff.headers().firstValue("Content-Location").orElseThrow());
        assertThat(poll.statusCode()).as("export finished within " + BulkJobs.DEADLINE + ": " + poll.body())
                .isEqualTo(200);

        // HAPI declared ISO-8859-1.
        assertThat(poll.headers().firstValue("Content-Type").orElseThrow().toLowerCase(Locale.ROOT).replace(" ", ""))
                .isEqualTo("application/json;charset=utf-8");
        JsonNode manifest = JSON.readTree(poll.body());
        assertThat(manifest.path("error")).isEmpty();
        Map<String, List<JsonNode>> byType = new HashMap<>();
        for (JsonNode output : manifest.get("output")) {
            HttpResponse<String> file = http.send(HttpRequest.newBuilder(URI.create(output.get("url").asText()))
                    .header("Accept", "application/fhir+ndjson").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(file.statusCode()).isEqualTo(200);
            List<JsonNode> lines = byType.computeIfAbsent(output.get("type").asText(), t -> new ArrayList<>());
            for (String line : file.body().split("\n")) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        }
        return byType;
    }

    private void storeTransaction(String... resources) throws Exception {
        List<String> entries = new ArrayList<>();
        for (String resource : resources) {
            JsonNode parsed = JSON.readTree(resource);
            String url = parsed.get("resourceType").asText() + "/" + parsed.get("id").asText();
            entries.add("{\"resource\":" + resource + ",\"request\":{\"method\":\"PUT\",\"url\":\"" + url + "\"}}");
        }
        HttpResponse<String> stored = postJson("/fhir", "application/fhir+json",
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}");
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    }

    private void storeGroup(String id, String... patients) throws Exception {
        List<String> members = new ArrayList<>();
        for (String patient : patients) {
            members.add("{\"entity\":{\"reference\":\"Patient/" + patient + "\"}}");
        }
        HttpResponse<String> stored = putJson("/fhir/Group/" + id, """
                {"resourceType":"Group","id":"%s","type":"person","actual":true,"member":[%s]}"""
                .formatted(id, String.join(",", members)));
        assertThat(stored.statusCode()).as(stored.body()).isIn(200, 201);
    }

    private static String patient(String id) {
        return """
                {"resourceType":"Patient","id":"%s","gender":"female"}""".formatted(id);
    }

    private static String observation(String id, String patient, String loinc) {
        return """
                {"resourceType":"Observation","id":"%s","status":"final",
                 "code":{"coding":[{"system":"http://loinc.org","code":"%s"}]},
                 "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2024-05-01"}""".formatted(id, loinc, patient);
    }

    private static String typeFilter(String filter) {
        return "_typeFilter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8);
    }

    private static Set<String> ids(List<JsonNode> resources) {
        assertThat(resources).isNotNull();
        Set<String> ids = new HashSet<>();
        resources.forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }
}
