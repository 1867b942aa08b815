package org.resistancecds.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.util.HapiExtensions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.resistancecds.AbstractServerIT;
import org.resistancecds.cds.PatientViewRequests;
import org.resistancecds.cds.security.TestJwts;
import org.resistancecds.config.FhirServerPlugin;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * FHIR access control over HTTP against one server whose issuer's JWKS is served on loopback by
 * {@link TestIssuer}: a matrix of tokens (none, expired, wrong issuer, wrong audience, forged signature, patient,
 * user, system) against every kind of endpoint, each with the status it must get; then the audit log, the
 * discovery documents and error bodies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Import(FhirSecurityIT.FailureInjection.class)
// No other test shares this context: close it afterwards rather than keep a whole server in the test JVM's memory.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FhirSecurityIT extends AbstractServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AUDIT = Path.of("target", "it-audit", "security-it.jsonl");
    private static final String CDS = "/cds-services/ici-resistance-patient-view";
    private static final String A = "sec-a";
    private static final String B = "sec-b";
    private static final String C = "sec-c";
    private static final String SMART_APP = "https://smart-app.test.example";

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:security-it;DB_CLOSE_DELAY=-1");
        registry.add("resistance.security.enabled", () -> "true");
        registry.add("resistance.security.issuer", () -> TestIssuer.ISSUER);
        registry.add("resistance.security.jwk-set-uri", () -> TestIssuer.get().jwksUrl());
        registry.add("resistance.security.audience[0]", () -> TestIssuer.AUDIENCE);
        registry.add("resistance.security.token-endpoint", () -> "https://auth.test.example/token");
        registry.add("resistance.security.authorization-endpoint", () -> "https://auth.test.example/authorize");
        registry.add("resistance.cds.security.enabled", () -> "true");
        registry.add("resistance.cds.security.clients[0].issuer", () -> TestJwts.ISSUER);
        registry.add("resistance.cds.security.clients[0].jwks", TestJwts::trustedJwks);
        registry.add("resistance.audit.file", AUDIT::toString);
        registry.add("resistance.fhir.allowed-origins[0]", () -> SMART_APP);
        registry.add("resistance.fhir.allowed-origins[1]", () -> "https://*.apps.test.example");
        // The bulk export test need not wait the production interval between a job's steps.
        registry.add("resistance.bulk.maintenance-interval", () -> "1s");
    }

    /** The tokens of the matrix, in the order of the columns of {@link #EXPECTED}. */
    private static final Map<String, String> TOKENS = new LinkedHashMap<>();

    static {
        TestIssuer issuer = TestIssuer.get();
        Instant past = Instant.now().minus(Duration.ofMinutes(30));
        TOKENS.put("none", null);
        TOKENS.put("expired", issuer.sign(TestIssuer.claims("system/*.cruds")
                .issueTime(Date.from(past)).expirationTime(Date.from(past.plus(Duration.ofMinutes(5)))).build()));
        TOKENS.put("wrong issuer", issuer.sign(TestIssuer.claims("system/*.cruds")
                .issuer("https://other-auth.test.example/").build()));
        TOKENS.put("wrong audience", issuer.sign(TestIssuer.claims("system/*.cruds")
                .audience("https://another-server.test.example/fhir").build()));
        TOKENS.put("forged", issuer.forge(TestIssuer.claims("system/*.cruds").build()));
        TOKENS.put("patient A rs", issuer.sign(TestIssuer.claims("launch/patient patient/*.rs").claim("patient", A).build()));
        TOKENS.put("patient A v1 read", issuer.sign(TestIssuer.claims("patient/*.read").claim("patient", A).build()));
        TOKENS.put("patient A cruds", issuer.sign(TestIssuer.claims("patient/*.cruds").claim("patient", A).build()));
        TOKENS.put("patient C rs", issuer.sign(TestIssuer.claims("patient/*.rs").claim("patient", C).build()));
        TOKENS.put("user read-only", issuer.sign(TestIssuer.claims("openid fhirUser user/*.rs").build()));
        TOKENS.put("user Observation", issuer.sign(
                TestIssuer.claims("user/Observation.cruds user/Patient.rs").build()));
        TOKENS.put("system", issuer.sign(TestIssuer.claims("system/*.cruds").build()));
        TOKENS.put("patient A Patient only", issuer.sign(
                TestIssuer.claims("patient/Patient.rs").claim("patient", A).build()));
    }

    /**
     * Expected status per endpoint (rows) and token (columns, as in {@link #TOKENS}): none, expired, wrong
     * issuer, wrong audience, forged, patient A rs, patient A v1 read, patient A cruds, patient C rs,
     * user read-only, user Observation, system, patient A with Patient.rs only. Patient A also has a
     * MedicationStatement, so a token without MedicationStatement scopes cannot have A's {@code $everything}, and
     * {@code $evaluate-resistance} and {@code $resistance-timeline} need search on every type they read. A PATCH
     * names only the resource's id, so a patient-level token may patch its own Patient and nothing else. A
     * conditional delete that matches only B's resource answers A's delete scope as if nothing matched.
     */
    private static final String EXPECTED = """
            read A                    | 401 401 401 401 401 200 200 200 403 200 200 200 200
            read B                    | 401 401 401 401 401 403 403 403 403 200 200 200 403
            history of A's Observation| 401 401 401 401 401 403 403 403 403 200 200 200 403
            version of A's Observation| 401 401 401 401 401 200 200 200 403 200 200 200 403
            history of B's Observation| 401 401 401 401 401 403 403 403 403 200 200 200 403
            search A                  | 401 401 401 401 401 200 200 200 403 200 200 200 403
            search B                  | 401 401 401 401 401 403 403 403 403 200 200 200 403
            search C                  | 401 401 401 401 401 403 403 403 200 200 200 200 403
            search A _include subject | 401 401 401 401 401 200 200 200 403 200 200 200 403
            search C _include B       | 401 401 401 401 401 403 403 403 403 200 200 200 403
            count A                   | 401 401 401 401 401 200 200 200 403 200 200 200 403
            count A or B              | 401 401 401 401 401 403 403 403 403 200 200 200 403
            count Patients A or B     | 401 401 401 401 401 403 403 403 403 200 200 200 403
            search A chained          | 401 401 401 401 401 403 403 403 403 200 200 200 403
            Patient A _has Observation| 401 401 401 401 401 403 403 403 403 200 200 200 403
            create for A              | 401 401 401 401 401 403 403 201 403 403 201 201 403
            create for B              | 401 401 401 401 401 403 403 403 403 403 201 201 403
            create for B naming A     | 401 401 401 401 401 403 403 403 403 403 201 201 403
            update A                  | 401 401 401 401 401 403 403 200 403 403 200 200 403
            transaction for A         | 401 401 401 401 401 403 403 200 403 403 200 200 403
            everything A              | 401 401 401 401 401 200 200 200 403 200 403 200 403
            everything B              | 401 401 401 401 401 403 403 403 403 200 200 200 403
            evaluate A                | 401 401 401 401 401 200 200 200 403 200 403 200 403
            evaluate A persist        | 401 401 401 401 401 403 403 200 403 403 403 200 403
            evaluate B                | 401 401 401 401 401 403 403 403 403 200 403 200 403
            evaluate Bundle           | 401 401 401 401 401 200 200 200 200 200 200 200 200
            timeline A                | 401 401 401 401 401 200 200 200 403 200 403 200 403
            timeline B                | 401 401 401 401 401 403 403 403 403 200 403 200 403
            patch Patient A           | 401 401 401 401 401 403 403 200 403 403 403 200 403
            patch A                   | 401 401 401 401 401 403 403 403 403 403 200 200 403
            patch B's into A          | 401 401 401 401 401 403 403 403 403 403 200 200 403
            conditional delete B's    | 401 401 401 401 401 403 403 200 403 403 200 200 403
            subscribe to Observations | 401 401 401 401 401 403 403 403 403 403 403 201 403
            export system             | 401 401 401 401 401 403 403 403 403 403 403 202 403
            export Patient            | 401 401 401 401 401 403 403 403 403 403 403 202 403
            import                    | 401 401 401 401 401 403 403 403 403 403 403 403 403
            CDS A fhirAuthorization   | 412 412 412 412 412 200 200 200 403 200 403 200 403
            CDS B fhirAuthorization   | 412 412 412 412 412 403 403 403 403 200 403 200 403
            metadata                  | 200 200 200 200 200 200 200 200 200 200 200 200 200
            smart-configuration       | 200 200 200 200 200 200 200 200 200 200 200 200 200
            knowledge page            | 200 200 200 200 200 200 200 200 200 200 200 200 200
            """;

    @BeforeAll
    void storeData() throws Exception {
        String system = TOKENS.get("system");
        for (String id : List.of(A, B, C)) {
            assertStatus(send("PUT", "/fhir/Patient/" + id, patient(id), system), 201, 200);
        }
        assertStatus(send("PUT", "/fhir/Observation/sec-obs-a", observation("sec-obs-a", A, null), system), 201, 200);
        assertStatus(send("PUT", "/fhir/Observation/sec-obs-b", observation("sec-obs-b", B, null), system), 201, 200);
        // A medication statement with a referenced Medication: prefetch includes it, and it holds no patient data.
        assertStatus(send("PUT", "/fhir/Medication/sec-med", "{\"resourceType\":\"Medication\",\"id\":\"sec-med\","
                + "\"code\":{\"text\":\"paracetamol\"}}", system), 201, 200);
        assertStatus(send("PUT", "/fhir/MedicationStatement/sec-ms-a", "{\"resourceType\":\"MedicationStatement\","
                + "\"id\":\"sec-ms-a\",\"status\":\"active\",\"medicationReference\":{\"reference\":"
                + "\"Medication/sec-med\"},\"subject\":{\"reference\":\"Patient/" + A + "\"}}", system), 201, 200);
        // In C's compartment, but names B as performer: including it must not reveal B to C's token.
        assertStatus(send("PUT", "/fhir/Observation/sec-obs-c", observation("sec-obs-c", C, B), system), 201, 200);
    }

    static Stream<Arguments> matrix() {
        List<String> tokenNames = new ArrayList<>(TOKENS.keySet());
        List<Arguments> cases = new ArrayList<>();
        for (String line : EXPECTED.strip().split("\n")) {
            String[] parts = line.split("\\|");
            String endpoint = parts[0].strip();
            String[] statuses = parts[1].strip().split("\\s+");
            assertThat(statuses).as(endpoint).hasSameSizeAs(tokenNames.toArray());
            for (int i = 0; i < statuses.length; i++) {
                cases.add(Arguments.of(endpoint, tokenNames.get(i), Integer.parseInt(statuses[i])));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1} token: {2}")
    @MethodSource("matrix")
    void eachTokenGetsTheStatusItsScopesAllow(String endpoint, String tokenName, int expected) throws Exception {
        HttpResponse<String> response = call(endpoint, TOKENS.get(tokenName));

        assertThat(response.statusCode()).as(endpoint + " / " + tokenName + ": " + response.body()).isEqualTo(expected);
        if (expected == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Bearer"));
            assertThat(response.body()).contains("OperationOutcome");
            if (TOKENS.get(tokenName) != null) {
                assertThat(response.body()).contains("The access token was refused");
            }
        }
        if (expected == 403) {
            assertThat(response.body()).contains("OperationOutcome");
        }
    }

    private HttpResponse<String> call(String endpoint, String token) throws Exception {
        String obsId = "sec-new-" + UUID.randomUUID();
        return switch (endpoint) {
            case "read A" -> send("GET", "/fhir/Patient/" + A, null, token);
            case "read B" -> send("GET", "/fhir/Patient/" + B, null, token);
            case "history of A's Observation" -> send("GET", "/fhir/Observation/sec-obs-a/_history", null, token);
            case "version of A's Observation" -> send("GET", "/fhir/Observation/sec-obs-a/_history/1", null, token);
            case "history of B's Observation" -> send("GET", "/fhir/Observation/sec-obs-b/_history", null, token);
            case "search A" -> send("GET", "/fhir/Observation?patient=" + A, null, token);
            case "search B" -> send("GET", "/fhir/Observation?patient=" + B, null, token);
            case "search C" -> send("GET", "/fhir/Observation?patient=" + C, null, token);
            case "search A _include subject" ->
                    send("GET", "/fhir/Observation?patient=" + A + "&_include=Observation:subject", null, token);
            case "search C _include B" ->
                    send("GET", "/fhir/Observation?patient=" + C + "&_include=Observation:performer", null, token);
            // No resource comes back to be checked, so the search itself must stay in the token patient's compartment.
            case "count A" -> send("GET", "/fhir/Observation?patient=" + A + "&_summary=count", null, token);
            case "count A or B" -> send("GET", "/fhir/Observation?patient=" + A + "," + B + "&_summary=count", null, token);
            case "count Patients A or B" -> send("GET", "/fhir/Patient?_id=" + A + "," + B + "&_summary=count", null, token);
            // A chain or _has searches the types it names, beyond what the search returns for checking.
            case "search A chained" ->
                    send("GET", "/fhir/Observation?patient=" + A + "&subject:Patient.gender=female", null, token);
            case "Patient A _has Observation" ->
                    send("GET", "/fhir/Patient?_id=" + A + "&_has:Observation:patient:code=8302-2", null, token);
            case "subscribe to Observations" -> send("POST", "/fhir/Subscription", subscription("Observation"), token);
            case "create for A" -> send("POST", "/fhir/Observation", observation(null, A, null), token);
            // In A's compartment through its performer, and in B's through its subject: B's record is not A's to write.
            case "create for B naming A" -> send("POST", "/fhir/Observation", observation(null, B, A), token);
            case "create for B" -> send("POST", "/fhir/Observation", observation(null, B, null), token);
            case "update A" -> send("PUT", "/fhir/Observation/sec-obs-a", observation("sec-obs-a", A, null), token);
            case "transaction for A" -> send("POST", "/fhir", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
                    + "\"entry\":[{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":"
                    + observation(null, A, null) + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}",
                    token);
            case "everything A" -> send("GET", "/fhir/Patient/" + A + "/$everything", null, token);
            case "everything B" -> send("GET", "/fhir/Patient/" + B + "/$everything", null, token);
            case "evaluate A" -> send("POST", "/fhir/Patient/" + A + "/$evaluate-resistance", PARAMETERS, token);
            case "evaluate A persist" -> send("POST", "/fhir/Patient/" + A + "/$evaluate-resistance",
                    "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"persist\",\"valueBoolean\":true}]}",
                    token);
            case "evaluate B" -> send("POST", "/fhir/Patient/" + B + "/$evaluate-resistance", PARAMETERS, token);
            case "evaluate Bundle" -> send("POST", "/fhir/$evaluate-resistance",
                    "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"bundle\",\"resource\":"
                            + "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
                            + patient("given-" + obsId) + "}]}}]}",
                    token);
            case "timeline A" -> send("GET", "/fhir/Patient/" + A + "/$resistance-timeline", null, token);
            case "timeline B" -> send("GET", "/fhir/Patient/" + B + "/$resistance-timeline", null, token);
            case "patch Patient A" ->
                    patch("/fhir/Patient/" + A, "[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]", token);
            case "patch A" -> patch("/fhir/Observation/sec-obs-a",
                    "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"final\"}]", token);
            case "patch B's into A" -> {
                // A fresh Observation of B each time: a token that may patch it moves it into A's compartment.
                assertStatus(send("PUT", "/fhir/Observation/" + obsId, observation(obsId, B, null),
                        TOKENS.get("system")), 201);
                yield patch("/fhir/Observation/" + obsId, "[{\"op\":\"replace\",\"path\":\"/subject/reference\","
                        + "\"value\":\"Patient/" + A + "\"}]", token);
            }
            case "conditional delete B's" -> {
                // A fresh Observation of B each time, found by its own identifier: a token that may delete it does.
                assertStatus(send("PUT", "/fhir/Observation/" + obsId,
                        withIdentifier(observation(obsId, B, null), obsId), TOKENS.get("system")), 201);
                yield conditionalDelete(obsId, token);
            }
            case "export system" -> exportKickOff("/fhir/$export?_type=Observation", token);
            case "export Patient" -> exportKickOff("/fhir/Patient/$export?_type=Patient,Observation", token);
            // Refused even to a system token: the server would fetch the URLs the client names.
            case "import" -> send("POST", "/fhir/$import", "{\"resourceType\":\"Parameters\",\"parameter\":["
                    + "{\"name\":\"inputFormat\",\"valueCode\":\"application/fhir+ndjson\"},"
                    + "{\"name\":\"input\",\"part\":[{\"name\":\"type\",\"valueCode\":\"Patient\"},"
                    + "{\"name\":\"url\",\"valueUri\":\"http://127.0.0.1:9/Patient.ndjson\"}]}]}", token);
            case "CDS A fhirAuthorization" -> cds(A, token);
            case "CDS B fhirAuthorization" -> cds(B, token);
            case "metadata" -> send("GET", "/fhir/metadata", null, token);
            case "smart-configuration" -> send("GET", "/fhir/.well-known/smart-configuration", null, token);
            // Card sources link there: knowledge content, no patient data, opened by a browser without a token.
            case "knowledge page" -> send("GET", "/knowledge/acquired-resistance-strategies", null, token);
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    private static final String PARAMETERS = "{\"resourceType\":\"Parameters\"}";

    @Test
    void auditLogRecordsWhoWhatWhenAndOutcomeWithoutTokens() throws Exception {
        String marker = "audit-" + UUID.randomUUID();
        String system = TestIssuer.get().sign(TestIssuer.claims("system/*.rs").subject(marker).build());
        String patientToken = TestIssuer.get().sign(
                TestIssuer.claims("patient/*.rs").subject(marker + "-p").claim("patient", A).build());
        Instant before = Instant.now().minusSeconds(1);

        assertStatus(send("GET", "/fhir/Patient/" + A, null, system), 200);
        assertStatus(send("GET", "/fhir/Observation?patient=" + A + "&code=" + marker, null, system), 200);
        assertStatus(send("GET", "/fhir/Patient/" + B, null, patientToken), 403);
        assertStatus(send("GET", "/fhir/Patient/" + A + "?access_token=" + marker, null, null), 401);
        assertStatus(send("POST", "/fhir", "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":"
                + "{\"method\":\"GET\",\"url\":\"Patient/" + A + "\"}}]}", system), 200);
        String secret = "secret-" + UUID.randomUUID();
        assertStatus(send("GET", "/fhir/Patient/" + A + "?access%5Ftoken=" + secret + "&Client_Secret=" + secret, null, null), 401);
        assertStatus(cds(A, patientToken), 200);

        // A request's line is written when its exchange completes, which can be just after the client has the answer.
        List<JsonNode> records = awaitAuditRecords(all -> all.stream().anyMatch(r -> "cds-call".equals(r.path("action").asText())
                && A.equals(r.path("patient").asText()) && Instant.parse(r.path("time").asText()).isAfter(before)));
        JsonNode read = find(records, r -> marker.equals(r.path("subject").asText()) && "read".equals(r.path("action").asText()));
        assertThat(read.path("client").asText()).isEqualTo("test-app");
        assertThat(read.path("resourceType").asText()).isEqualTo("Patient");
        assertThat(read.path("resourceId").asText()).isEqualTo(A);
        assertThat(read.path("status").asInt()).isEqualTo(200);
        assertThat(read.path("outcome").asText()).isEqualTo("success");
        assertThat(Instant.parse(read.path("time").asText())).isAfter(before);

        JsonNode search = find(records, r -> marker.equals(r.path("subject").asText())
                && "search-type".equals(r.path("action").asText()));
        assertThat(search.path("query").asText()).contains("code=" + marker);

        // A batch is recorded as the whole (HAPI names batches and transactions alike), not as its last entry.
        JsonNode batch = find(records, r -> marker.equals(r.path("subject").asText()) && "POST".equals(r.path("method").asText()));
        assertThat(batch.path("action").asText()).isEqualTo("transaction");
        assertThat(batch.has("resourceType")).isFalse();
        assertThat(batch.has("resourceId")).isFalse();

        JsonNode denied = find(records, r -> (marker + "-p").equals(r.path("subject").asText())
                && r.path("path").asText().endsWith("/Patient/" + B));
        assertThat(denied.path("status").asInt()).isEqualTo(403);
        assertThat(denied.path("outcome").asText()).isEqualTo("denied");
        assertThat(denied.path("patient").asText()).isEqualTo(A);

        JsonNode unauthenticated = find(records, r -> r.path("query").asText().contains("access_token=***")
                && r.path("status").asInt() == 401);
        assertThat(unauthenticated.path("outcome").asText()).isEqualTo("unauthenticated");
        assertThat(unauthenticated.has("subject")).isFalse();

        JsonNode cdsCall = find(records, r -> "cds-call".equals(r.path("action").asText())
                && r.path("status").asInt() == 200 && A.equals(r.path("patient").asText()));
        assertThat(cdsCall.path("channel").asText()).isEqualTo("cds");
        assertThat(cdsCall.path("operation").asText()).isEqualTo("ici-resistance-patient-view");
        assertThat(cdsCall.path("client").asText()).isEqualTo(TestJwts.ISSUER);
        assertThat(cdsCall.path("subject").asText()).isEqualTo(PatientViewRequests.USER);

        String log = Files.readString(AUDIT);
        assertThat(log).doesNotContain(system).doesNotContain(patientToken).doesNotContain("access_token=" + marker);
        // Parameter names are matched as the server reads them: percent-decoded, any case.
        assertThat(log).doesNotContain(secret);
        for (String token : TOKENS.values()) {
            if (token != null) {
                assertThat(log).doesNotContain(token);
            }
        }
    }

    /** A Subscription is a standing search across patients: the token must be able to search the criteria's type. */
    @Test
    void aSubscriptionNeedsReadAndSearchAcrossPatientsOnItsCriteriaType() throws Exception {
        String subscriber = TestIssuer.get().sign(TestIssuer.claims("system/Subscription.cu system/Patient.rs").build());

        HttpResponse<String> observations = send("POST", "/fhir/Subscription", subscription("Observation"), subscriber);
        HttpResponse<String> patients = send("POST", "/fhir/Subscription", subscription("Patient"), subscriber);

        HttpResponse<String> otherPayload = send("POST", "/fhir/Subscription", subscription("Patient").replaceFirst(
                "\\{", "{\"extension\":[{\"url\":\"" + HapiExtensions.EXT_SUBSCRIPTION_PAYLOAD_SEARCH_CRITERIA
                        + "\",\"valueString\":\"Observation?_id=sec-obs-a\"}],"), subscriber);

        assertThat(observations.statusCode()).as(observations.body()).isEqualTo(403);
        assertThat(observations.body()).contains("read and search scopes on Observation");
        assertThat(patients.statusCode()).as(patients.body()).isEqualTo(201);
        assertThat(otherPayload.statusCode()).as(otherPayload.body()).isEqualTo(403);

        // Export files are Binaries: delivered, they would bypass the scopes reading them needs.
        String binaries = TestIssuer.get().sign(TestIssuer.claims("system/Subscription.cu system/Binary.rs").build());
        HttpResponse<String> exportFiles = send("POST", "/fhir/Subscription", subscription("Binary"), binaries);
        assertThat(exportFiles.statusCode()).as(exportFiles.body()).isEqualTo(403);
    }

    /**
     * $meta-add of our profile reads the stored resource to let a claim it already has through; before the
     * authorization check, a client without access learned whether a resource existed (422 against 403).
     */
    @Test
    void metaAddTellsAClientWithoutAccessNothingOfWhatIsStored() throws Exception {
        String ourProfile = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":{"
                + "\"profile\":[\"https://resistance-cds.org/fhir/StructureDefinition/tme-finding\"]}}]}";
        String patientOnly = TOKENS.get("patient A Patient only");

        HttpResponse<String> stored = send("POST", "/fhir/Observation/sec-obs-b/$meta-add", ourProfile, patientOnly);
        HttpResponse<String> missing = send("POST", "/fhir/Observation/no-such-obs/$meta-add", ourProfile, patientOnly);

        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(403);
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(403);
    }

    @Test
    void auditRecordsCannotBeReachedThroughTheApi() throws Exception {
        // The log is a file, not FHIR data: no AuditEvent is stored, and none may be written by a client.
        HttpResponse<String> search = send("GET", "/fhir/AuditEvent", null, TOKENS.get("system"));
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(search.body()).path("total").asInt()).isZero();
    }

    @Test
    void smartConfigurationDescribesTheIssuerAndTheEnforcedPermissions() throws Exception {
        HttpResponse<String> response = send("GET", "/fhir/.well-known/smart-configuration", null, null);
        JsonNode doc = JSON.readTree(response.body());

        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(doc.path("issuer").asText()).isEqualTo(TestIssuer.ISSUER);
        assertThat(doc.path("jwks_uri").asText()).isEqualTo(TestIssuer.get().jwksUrl());
        assertThat(doc.path("token_endpoint").asText()).isEqualTo("https://auth.test.example/token");
        assertThat(doc.path("authorization_endpoint").asText()).isEqualTo("https://auth.test.example/authorize");
        List<String> capabilities = new ArrayList<>();
        doc.path("capabilities").forEach(c -> capabilities.add(c.asText()));
        assertThat(capabilities).contains("permission-v1", "permission-v2", "permission-patient", "permission-user");
    }

    @Test
    void capabilityStatementNamesSmartOnFhirAndTheOauthEndpoints() throws Exception {
        JsonNode security = JSON.readTree(send("GET", "/fhir/metadata", null, null).body()).at("/rest/0/security");

        assertThat(security.at("/service/0/coding/0/code").asText()).isEqualTo("SMART-on-FHIR");
        assertThat(security.at("/service/0/coding/0/system").asText())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/restful-security-service");
        JsonNode uris = security.at("/extension/0");
        assertThat(uris.path("url").asText())
                .isEqualTo("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        Map<String, String> byName = new LinkedHashMap<>();
        uris.path("extension").forEach(e -> byName.put(e.path("url").asText(), e.path("valueUri").asText()));
        assertThat(byName).containsEntry("token", "https://auth.test.example/token")
                .containsEntry("authorize", "https://auth.test.example/authorize");
    }

    @Test
    void aServerFaultAnswersWithoutInternals() throws Exception {
        HttpResponse<String> response =
                send("GET", "/fhir/Patient/" + FailureInjection.TRIGGER, null, TOKENS.get("system"));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("OperationOutcome").contains("Incident");
        assertThat(response.body()).doesNotContainIgnoringCase("select")
                .doesNotContain("HFJ_RESOURCE")
                .doesNotContain("Exception")
                .doesNotContain("at org.")
                .doesNotContain("at ca.uhn");
    }

    @Test
    void springsErrorPageShowsNoTrace() throws Exception {
        HttpResponse<String> response = send("GET", "/no-such-page?trace=true", null, null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("trace\"").doesNotContain("exception").doesNotContain("at org.");
    }

    @Test
    void theJwksIsFetchedFromTheIssuerNotPerRequest() throws Exception {
        int before = TestIssuer.get().jwksRequests();
        for (int i = 0; i < 5; i++) {
            assertStatus(send("GET", "/fhir/Patient/" + A, null, TOKENS.get("system")), 200);
        }
        assertThat(TestIssuer.get().jwksRequests()).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(before + 1);
    }

    private HttpResponse<String> cds(String patient, String fhirToken) throws Exception {
        String authorization = fhirToken == null ? "" : ",\"fhirAuthorization\":{\"access_token\":\"" + fhirToken
                + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"patient/*.rs\",\"subject\":\"cds\"}";
        String body = PatientViewRequests.withMembers(
                patient, "\"fhirServer\":\"" + fhirBase() + "\"" + authorization + ",");
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + CDS))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TestJwts.es384(TestJwts.claims(baseUrl() + CDS).build()))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        return send(method, path, body, "application/fhir+json", token);
    }

    /**
     * A browser-based SMART app on a listed origin: its preflight passes without a token and allows what a FHIR
     * client sends; the answers, a 401 included, are readable by the page with the headers it needs.
     */
    @Test
    void aSmartAppOnAListedOriginMayCallFromTheBrowser() throws Exception {
        for (String origin : List.of(SMART_APP, "https://chart.apps.test.example")) {
            HttpResponse<String> preflight = preflight("/fhir/Observation/sec-obs-a", origin, "PUT",
                    "authorization,content-type,accept,prefer,if-match,if-none-match,if-none-exist,if-modified-since,"
                            + "x-request-id");

            assertThat(preflight.statusCode()).as(origin).isEqualTo(200);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
                    .contains("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                    .contains("authorization", "content-type", "prefer", "if-match", "if-none-exist", "x-request-id");
        }

        HttpResponse<String> read = readAFrom(SMART_APP, TOKENS.get("system"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).hasValue(SMART_APP);
        assertThat(read.headers().firstValue("Access-Control-Expose-Headers").orElse("").toLowerCase())
                .contains("location", "content-location", "etag", "last-modified", "www-authenticate", "x-request-id");
        assertThat(read.headers().firstValue("ETag")).isPresent();

        HttpResponse<String> refused = readAFrom(SMART_APP, null);
        // The page can read why it was refused.
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).hasValue(SMART_APP);
    }

    @Test
    void anOriginOffTheListGetsNoCorsAllowance() throws Exception {
        for (String origin : List.of("https://evil.test.example", "https://smart-app.test.example.evil.test",
                "http://smart-app.test.example")) {
            HttpResponse<String> preflight = preflight("/fhir/Patient/" + A, origin, "GET", "authorization");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).as(origin).isEmpty();
            assertThat(preflight.statusCode()).as(origin).isNotEqualTo(200);

            HttpResponse<String> read = readAFrom(origin, TOKENS.get("system"));
            assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).as(origin).isEmpty();
            assertThat(read.body()).doesNotContain(A);
            // Refused like every other refusal: an OperationOutcome naming the setting, not Spring's plain text.
            assertThat(read.statusCode()).as(origin).isEqualTo(403);
            assertThat(read.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).contains("json"));
            assertThat(read.body()).contains("\"resourceType\":\"OperationOutcome\"", "forbidden",
                    "resistance.fhir.allowed-origins");
        }
    }

    /** Patient A read by a page on the given origin. */
    private HttpResponse<String> readAFrom(String origin, String token) throws Exception {
        return http.send(request(baseUrl() + "/fhir/Patient/" + A, token).header("Origin", origin).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> preflight(String path, String origin, String method, String headers)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", origin)
                        .header("Access-Control-Request-Method", method)
                        .header("Access-Control-Request-Headers", headers)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SMART's u grants update and c create: a token with u but not c changes A's data but creates nothing. */
    @Test
    void anUpdateScopeDoesNotCreate() throws Exception {
        String patientRu = TestIssuer.get().sign(TestIssuer.claims("patient/Observation.ru").claim("patient", A).build());
        String userU = TestIssuer.get().sign(TestIssuer.claims("user/Observation.u").build());
        String fresh = "sec-put-new-" + UUID.randomUUID();

        assertStatus(send("POST", "/fhir/Observation", observation(null, A, null), patientRu), 403);
        assertStatus(send("POST", "/fhir/Observation", observation(null, A, null), userU), 403);
        // An update of an id that does not exist yet is a create.
        assertStatus(send("PUT", "/fhir/Observation/" + fresh, observation(fresh, A, null), patientRu), 403);
        assertStatus(send("PUT", "/fhir/Observation/" + fresh, observation(fresh, A, null), userU), 403);
        assertStatus(send("PUT", "/fhir/Observation/sec-obs-a", observation("sec-obs-a", A, null), patientRu), 200);
        assertStatus(send("PUT", "/fhir/Observation/sec-obs-a", observation("sec-obs-a", A, null), userU), 200);
    }

    /**
     * A conditional create answers with the resource its URL matched, if any: never with one the token may not read
     * (another patient's), which counts as no match; a token that may read the match still gets it.
     */
    @Test
    void conditionalCreateNeverAnswersWithAResourceTheTokenMayNotRead() throws Exception {
        String system = TOKENS.get("system");
        String identifier = UUID.randomUUID().toString();
        String ofB = storedWithIdentifier("sec-cond-b-", B, identifier);

        HttpResponse<String> forA = conditionalCreate(withIdentifier(observation(null, A, null), identifier),
                identifier, TOKENS.get("patient A cruds"));
        assertThat(forA.statusCode()).as(forA.body()).isEqualTo(201);
        assertThat(forA.body()).doesNotContain(ofB).doesNotContain("Patient/" + B).contains("Patient/" + A);

        String other = UUID.randomUUID().toString();
        assertStatus(send("PUT", "/fhir/Observation/" + ofB, withIdentifier(observation(ofB, B, null), other),
                system), 200);
        HttpResponse<String> bySystem = conditionalCreate(withIdentifier(observation(null, B, null), other), other,
                system);
        assertThat(bySystem.statusCode()).as(bySystem.body()).isEqualTo(200);
        assertThat(bySystem.body()).contains(ofB);
    }

    /** A token that may search one type does not read another through a chain or _has (found by an audit). */
    @Test
    void chainsAndHasReadOnlyTypesTheTokenMaySearch() throws Exception {
        TestIssuer issuer = TestIssuer.get();
        String patientsOnly = issuer.sign(TestIssuer.claims("user/Patient.rs").build());
        String observationsOnly = issuer.sign(TestIssuer.claims("user/Observation.rs").build());

        assertStatus(send("GET", "/fhir/Patient?gender=female", null, patientsOnly), 200);
        assertStatus(send("GET", "/fhir/Patient?_has:Observation:patient:code=8302-2", null, patientsOnly), 403);
        assertStatus(send("GET", "/fhir/Observation?subject=Patient/" + B, null, observationsOnly), 200);
        assertStatus(send("GET", "/fhir/Observation?subject=Patient/" + B + "&patient.birthdate=1950", null,
                observationsOnly), 403);
        assertStatus(send("GET", "/fhir/Observation?subject:Patient.gender=female", null, TOKENS.get("user Observation")),
                200);
    }

    /** Another patient's match does not count: it answered 409 "several matches", which told that B has one too. */
    @Test
    void aConditionalCreateMatchingTheTokensAndAnotherPatientsResourceFindsTheTokensOnly() throws Exception {
        String identifier = UUID.randomUUID().toString();
        String ofA = storedWithIdentifier("sec-cond-both-a-", A, identifier);
        storedWithIdentifier("sec-cond-both-b-", B, identifier);

        HttpResponse<String> forA = conditionalCreate(withIdentifier(observation(null, A, null), identifier),
                identifier, TOKENS.get("patient A cruds"));

        assertThat(forA.statusCode()).as(forA.body()).isEqualTo(200);
        assertThat(forA.body()).contains(ofA);
    }

    /** A conditional create by a token that may not read answers for the write it made (it answered 403 and stored). */
    @Test
    void aConditionalCreateWithoutReadScopeAnswersForWhatItStored() throws Exception {
        String createOnly = TestIssuer.get().sign(TestIssuer.claims("user/Observation.c").build());
        String identifier = UUID.randomUUID().toString();

        HttpResponse<String> created = conditionalCreate(withIdentifier(observation(null, A, null), identifier),
                identifier, createOnly);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> stored = send("GET", "/fhir/Observation?identifier=urn:sec%7C" + identifier
                + "&_summary=count", null, TOKENS.get("system"));
        assertThat(new ObjectMapper().readTree(stored.body()).path("total").asInt()).isEqualTo(1);
    }

    /**
     * A conditional delete that matches only another patient's resource answers exactly as one that matches nothing
     * (before, its 403 told the client that the other patient has such a resource), and deletes nothing; the
     * token's own match is still deleted.
     */
    @Test
    void conditionalDeleteOfAnotherPatientsResourceAnswersAsIfNothingMatched() throws Exception {
        String system = TOKENS.get("system");
        String patientA = TOKENS.get("patient A cruds");
        String identifier = UUID.randomUUID().toString();
        String ofB = storedWithIdentifier("sec-del-b-", B, identifier);

        HttpResponse<String> matchesB = conditionalDelete(identifier, patientA);
        String unused = UUID.randomUUID().toString();
        HttpResponse<String> matchesNothing = conditionalDelete(unused, patientA);

        assertThat(matchesB.statusCode()).as(matchesB.body()).isEqualTo(200).isEqualTo(matchesNothing.statusCode());
        assertThat(matchesB.body()).contains("OperationOutcome", "not-found").doesNotContain(ofB);
        assertThat(matchesB.body().replace(identifier, "?")).isEqualTo(matchesNothing.body().replace(unused, "?"));
        assertThat(matchesB.headers().map().keySet()).isEqualTo(matchesNothing.headers().map().keySet());
        assertStatus(send("GET", "/fhir/Observation/" + ofB, null, system), 200);

        String ofA = storedWithIdentifier("sec-del-a-", A, identifier);
        assertStatus(conditionalDelete(identifier, patientA), 200);
        assertStatus(send("GET", "/fhir/Observation/" + ofA, null, system), 410);
        assertStatus(send("GET", "/fhir/Observation/" + ofB, null, system), 200);
    }

    /**
     * The same inside a transaction whose only conditional entries are deletes: the entry that matches only
     * another patient's resource answers as one that matches nothing (before: the whole transaction refused with
     * 403), and the other patient's resource stays.
     */
    @Test
    void conditionalDeleteEntryOfAnotherPatientsResourceAnswersAsIfNothingMatched() throws Exception {
        String system = TOKENS.get("system");
        String patientA = TOKENS.get("patient A cruds");
        String identifier = UUID.randomUUID().toString();
        String ofB = storedWithIdentifier("sec-txdel-b-", B, identifier);

        HttpResponse<String> matchesB = send("POST", "/fhir", deleteTransaction(identifier), patientA);
        HttpResponse<String> matchesNothing =
                send("POST", "/fhir", deleteTransaction(UUID.randomUUID().toString()), patientA);

        assertThat(matchesB.statusCode()).as(matchesB.body()).isEqualTo(200).isEqualTo(matchesNothing.statusCode());
        assertThat(entryStatuses(matchesB)).isEqualTo(entryStatuses(matchesNothing));
        assertThat(matchesB.body()).doesNotContain(ofB);
        assertStatus(send("GET", "/fhir/Observation/" + ofB, null, system), 200);

        String ofA = storedWithIdentifier("sec-txdel-a-", A, identifier);
        assertStatus(send("POST", "/fhir", deleteTransaction(identifier), patientA), 200);
        assertStatus(send("GET", "/fhir/Observation/" + ofA, null, system), 410);
        assertStatus(send("GET", "/fhir/Observation/" + ofB, null, system), 200);
    }

    /**
     * A conditional PUT entry's ifMatch is compared after the token's rules, so it never tells another patient's
     * version (found in review: the match was read as the system first, and the 412 named its version). That such
     * an entry matching another patient's resource is refused (403) is the rules' answer to every conditional
     * write entry of a Bundle that is not narrowed (docs/security.md).
     */
    @Test
    void conditionalPutEntryWithIfMatchDoesNotTellAnotherPatientsVersion() throws Exception {
        String patientA = TOKENS.get("patient A cruds");
        String identifier = UUID.randomUUID().toString();
        String ofB = storedWithIdentifier("sec-txim-b-", B, identifier);

        HttpResponse<String> matchesB = send("POST", "/fhir", conditionalPutTransaction(identifier), patientA);
        HttpResponse<String> matchesNothing =
                send("POST", "/fhir", conditionalPutTransaction(UUID.randomUUID().toString()), patientA);

        assertThat(matchesB.statusCode()).as(matchesB.body()).isEqualTo(403);
        assertThat(matchesB.body()).doesNotContain(ofB).doesNotContain("version");
        assertThat(matchesNothing.statusCode()).as(matchesNothing.body()).isEqualTo(412);
        assertThat(matchesNothing.body()).contains("no resource matches");
        HttpResponse<String> stored = send("GET", "/fhir/Observation/" + ofB, null, TOKENS.get("system"));
        assertThat(stored.body()).contains("\"versionId\":\"1\"");
    }

    private String conditionalPutTransaction(String identifier) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + withIdentifier(observation(null, A, null), identifier) + ",\"request\":{\"method\":\"PUT\","
                + "\"url\":\"Observation?identifier=urn:sec%7C" + identifier + "\",\"ifMatch\":\"W/\\\"7\\\"\"}}]}";
    }

    /** Stores, as the system, an Observation of the patient with the identifier urn:sec|identifier; its id. */
    private String storedWithIdentifier(String idPrefix, String patient, String identifier) throws Exception {
        String id = idPrefix + UUID.randomUUID();
        assertStatus(send("PUT", "/fhir/Observation/" + id, withIdentifier(observation(id, patient, null), identifier),
                TOKENS.get("system")), 201);
        return id;
    }

    private static String deleteTransaction(String identifier) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":\"DELETE\","
                + "\"url\":\"Observation?identifier=urn:sec%7C" + identifier + "\"}}]}";
    }

    /** A HEAD entry is authorised as the GET it stands for: its status and ETag would otherwise tell B exists. */
    @ParameterizedTest
    @CsvSource({"patient A rs, 403 Forbidden", "user read-only, 200 OK"})
    void aHeadEntryOfABatchIsAuthorisedAsTheGetItStandsFor(String tokenName, String entryStatus) throws Exception {
        String token = TOKENS.get(tokenName);
        HttpResponse<String> get = send("POST", "/fhir", batchOf("GET", "Patient/" + B), token);
        HttpResponse<String> head = send("POST", "/fhir", batchOf("HEAD", "Patient/" + B), token);

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(entryStatuses(get)).containsExactly(entryStatus);
        assertThat(entryStatuses(head)).containsExactly(entryStatus);
        assertThat(head.body()).doesNotContain("\"resourceType\":\"Patient\"");
        if (entryStatus.startsWith("403")) {
            assertThat(head.body()).doesNotContain("etag");
        }
    }

    private static String batchOf(String method, String url) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"" + method
                + "\",\"url\":\"" + url + "\"}}]}";
    }

    private static List<String> entryStatuses(HttpResponse<String> transactionResponse) throws Exception {
        List<String> statuses = new ArrayList<>();
        new ObjectMapper().readTree(transactionResponse.body()).path("entry")
                .forEach(entry -> statuses.add(entry.path("response").path("status").asText()));
        return statuses;
    }

    private HttpResponse<String> conditionalDelete(String identifier, String token) throws Exception {
        return send("DELETE", "/fhir/Observation?identifier=urn:sec%7C" + identifier, null, token);
    }

    private HttpResponse<String> conditionalCreate(String body, String identifier, String token) throws Exception {
        return http.send(request(baseUrl() + "/fhir/Observation", token)
                        .header("Content-Type", "application/fhir+json")
                        .header("If-None-Exist", "identifier=urn:sec|" + identifier)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String withIdentifier(String observation, String identifier) {
        return observation.replaceFirst("\"status\"",
                "\"identifier\":[{\"system\":\"urn:sec\",\"value\":\"" + identifier + "\"}],\"status\"");
    }

    /** A backend service limited to some types exports those types only, and its files need a Binary read scope. */
    @Test
    void bulkExportIsLimitedToTheTypesASystemTokenMayRead() throws Exception {
        String observations = TestIssuer.get().sign(TestIssuer.claims("system/Observation.rs system/Binary.r").build());

        assertThat(exportKickOff("/fhir/$export?_type=Patient", observations).statusCode()).isEqualTo(403);
        assertThat(exportKickOff("/fhir/$export", observations).statusCode()).as("every type").isEqualTo(403);
        HttpResponse<String> kickOff = exportKickOff("/fhir/$export?_type=Observation", observations);
        assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);

        String status = kickOff.headers().firstValue("Content-Location").orElseThrow();
        JsonNode output = finishedExport(status, observations).path("output");
        assertThat(output).isNotEmpty();
        for (JsonNode file : output) {
            assertThat(file.path("type").asText()).isEqualTo("Observation");
            // The file itself, not the Binary resource wrapping it.
            HttpResponse<String> ndjson = http.send(request(file.path("url").asText(), observations)
                    .setHeader("Accept", "application/fhir+ndjson").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ndjson.statusCode()).as(ndjson.body()).isEqualTo(200);
            assertThat(ndjson.body()).contains("\"resourceType\":\"Observation\"").doesNotContain("\"resourceType\":\"Patient\"");
            // A file holds every patient's Observations: a Binary scope alone, or one for another type, opens none.
            for (String scopes : List.of("system/Binary.rs", "system/Patient.rs system/Binary.rs")) {
                String other = TestIssuer.get().sign(TestIssuer.claims(scopes).build());
                HttpResponse<String> refused = http.send(request(file.path("url").asText(), other).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).as(scopes + " " + refused.body()).isEqualTo(403);
            }
            // Nor may a client patch away the mark that says what the file holds.
            String binaryWriter = TestIssuer.get().sign(TestIssuer.claims("system/Binary.rus").build());
            HttpResponse<String> unmarked = patch(file.path("url").asText().replaceFirst("^.*?/fhir", "/fhir"),
                    "[{\"op\":\"remove\",\"path\":\"/meta/extension\"}]", binaryWriter);
            assertThat(unmarked.statusCode()).as(unmarked.body()).isEqualTo(403);
            // The same patch of a Binary that is no export file goes through with that token.
            HttpResponse<String> plain = send("PUT", "/fhir/Binary/sec-plain-binary", "{\"resourceType\":\"Binary\","
                    + "\"id\":\"sec-plain-binary\",\"meta\":{\"extension\":[{\"url\":\"urn:sec\",\"valueString\":\"x\"}]},"
                    + "\"contentType\":\"text/plain\",\"data\":\"aGk=\"}", TOKENS.get("system"));
            assertThat(plain.statusCode()).as(plain.body()).isIn(200, 201);
            HttpResponse<String> plainPatched = patch("/fhir/Binary/sec-plain-binary",
                    "[{\"op\":\"remove\",\"path\":\"/meta/extension\"}]", binaryWriter);
            assertThat(plainPatched.statusCode()).as(plainPatched.body()).isEqualTo(200);
            // A search or history of Binaries leaves the files out and lists the others (they were refused whole),
            // on later pages too.
            String fileId = file.path("url").asText().replaceFirst("^.*/Binary/", "").replaceFirst("[/?].*$", "");
            for (String path : List.of("/fhir/Binary?_sort=-_lastUpdated&_count=50", "/fhir/Binary/_history?_count=50")) {
                HttpResponse<String> listed = http.send(request(baseUrl() + path, binaryWriter).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(listed.statusCode()).as(path + " " + listed.body()).isEqualTo(200);
                assertThat(listed.body()).as(path).contains("sec-plain-binary").doesNotContain(fileId);
            }
            String page = baseUrl() + "/fhir/Binary/_history?_count=1";
            for (int pages = 0; page != null && pages < 40; pages++) {
                HttpResponse<String> answer = http.send(request(page, binaryWriter).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(page + " " + answer.body()).isEqualTo(200);
                assertThat(answer.body()).doesNotContain(fileId);
                page = null;
                for (JsonNode link : JSON.readTree(answer.body()).path("link")) {
                    if ("next".equals(link.path("relation").asText())) {
                        page = link.path("url").asText();
                    }
                }
            }
            String exporterSearching = TestIssuer.get().sign(
                    TestIssuer.claims("system/Observation.rs system/Binary.rs").build());
            HttpResponse<String> ownListing = http.send(request(baseUrl() + "/fhir/Binary?_sort=-_lastUpdated&_count=50",
                    exporterSearching).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ownListing.body()).as("the exporting client lists its file").contains(fileId);
        }
    }

    /** An export is its kick-off client's: another client can neither poll it, cancel it nor read its files. */
    @Test
    void anExportIsTheStartingClients() throws Exception {
        String scopes = "system/Observation.rs system/Binary.r";
        String owner = TestIssuer.get().sign(TestIssuer.claims(scopes).build());
        String sameClient = TestIssuer.get().sign(TestIssuer.claims(scopes).build());
        String otherClient = TestIssuer.get().sign(TestIssuer.claims(scopes).claim("client_id", "other-app").build());
        HttpResponse<String> kickOff = exportKickOff("/fhir/$export?_type=Observation", owner);
        assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
        String status = kickOff.headers().firstValue("Content-Location").orElseThrow();

        HttpResponse<String> foreignPoll = http.send(request(status, otherClient).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(foreignPoll.statusCode()).as(foreignPoll.body()).isEqualTo(404);
        assertThat(foreignPoll.body()).contains("was started by this client").doesNotContain("output");
        HttpResponse<String> foreignCancel = http.send(request(status, otherClient).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(foreignCancel.statusCode()).as(foreignCancel.body()).isEqualTo(404);
        HttpResponse<String> unknown = http.send(request(status.replaceFirst("_jobId=[^&]+", "_jobId=no-such-job"),
                otherClient).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).as("an unknown job answers alike").isEqualTo(404);

        // The same client under another subject (a second token) follows its job to the end: it was not cancelled.
        JsonNode output = finishedExport(status, sameClient).path("output");
        assertThat(output).isNotEmpty();
        for (JsonNode file : output) {
            String url = file.path("url").asText();
            HttpResponse<String> own = http.send(request(url, owner).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
            assertThat(own.body()).contains("bulk-export-client", "client/test-app");
            HttpResponse<String> foreign = http.send(request(url, otherClient).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(403);
            assertThat(foreign.body()).contains("another client's Bulk Data export");
        }
    }

    /** Polls the export's status until the job is done; its manifest. */
    private JsonNode finishedExport(String status, String token) throws Exception {
        HttpResponse<String> poll = null;
        for (int i = 0; i < 120; i++) {
            poll = http.send(request(status, token).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (poll.statusCode() != 202) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(poll.statusCode()).as(poll.body()).isEqualTo(200);
        return JSON.readTree(poll.body());
    }

    /**
     * HAPI resolves a conditional reference across all patients before any scope is checked: a token that may not
     * search Patients learned from 201 against 412 whether a patient with an identifier was stored.
     */
    @Test
    void aConditionalReferenceNeedsAScopeThatSearchesItsTypeAcrossPatients() throws Exception {
        String mrn = "cond-ref-" + UUID.randomUUID();
        assertStatus(send("PUT", "/fhir/Patient/sec-cond-ref", "{\"resourceType\":\"Patient\",\"id\":"
                + "\"sec-cond-ref\",\"identifier\":[{\"system\":\"urn:sec:mrn\",\"value\":\"" + mrn + "\"}]}",
                TOKENS.get("system")), 200, 201);
        String observationOnly = TestIssuer.get().sign(TestIssuer.claims("user/Observation.cruds").build());
        String known = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"subject\":{\"reference\":\"Patient?identifier=urn:sec:mrn%7C" + mrn + "\"}}";
        String unknown = known.replace(mrn, "nobody-" + mrn);

        HttpResponse<String> knownWithoutScope = send("POST", "/fhir/Observation", known, observationOnly);
        HttpResponse<String> unknownWithoutScope = send("POST", "/fhir/Observation", unknown, observationOnly);
        HttpResponse<String> knownWithScope = send("POST", "/fhir/Observation", known, TOKENS.get("user Observation"));
        HttpResponse<String> patientLevel = send("POST", "/fhir/Observation",
                known.replace("Patient?identifier=urn:sec:mrn%7C" + mrn, "Patient?_id=" + A),
                TOKENS.get("patient A cruds"));

        assertThat(knownWithoutScope.statusCode()).as(knownWithoutScope.body()).isEqualTo(403);
        assertThat(unknownWithoutScope.statusCode()).as("the same answer whether or not it exists")
                .isEqualTo(403);
        assertThat(knownWithoutScope.body()).contains("conditional reference");
        assertThat(knownWithScope.statusCode()).as(knownWithScope.body()).isEqualTo(201);
        assertThat(patientLevel.statusCode()).as(patientLevel.body()).isEqualTo(403);
    }

    private HttpResponse<String> exportKickOff(String path, String token) throws Exception {
        return http.send(request(baseUrl() + path, token).header("Prefer", "respond-async").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A request for FHIR JSON, with the token as bearer when there is one. */
    private static HttpRequest.Builder request(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/fhir+json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private HttpResponse<String> patch(String path, String jsonPatch, String token) throws Exception {
        return send("PATCH", path, jsonPatch, "application/json-patch+json", token);
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType, String token)
            throws Exception {
        HttpRequest.Builder request = request(baseUrl() + path, token);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertStatus(HttpResponse<String> response, int... allowed) {
        assertThat(response.statusCode()).as(response.body()).isIn(java.util.Arrays.stream(allowed).boxed().toList());
    }

    /** The audit records, read again until {@code ready} holds for them or five seconds have passed. */
    private static List<JsonNode> awaitAuditRecords(java.util.function.Predicate<List<JsonNode>> ready)
            throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<JsonNode> records = new ArrayList<>();
            for (String line : Files.readAllLines(AUDIT)) {
                records.add(JSON.readTree(line));
            }
            if (ready.test(records) || System.nanoTime() > deadline) {
                return records;
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode find(List<JsonNode> records, java.util.function.Predicate<JsonNode> match) {
        return records.stream().filter(match).reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no audit record matches among " + records.size()));
    }

    private static String patient(String id) {
        return "{\"resourceType\":\"Patient\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
                + ",\"name\":[{\"family\":\"Test\",\"given\":[\"" + id + "\"]}],\"gender\":\"female\"}";
    }

    /** A rest-hook Subscription on the type, for a code nothing here has: created, never delivered. */
    private static String subscription(String type) {
        return "{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"test\",\"criteria\":\""
                + type + "?_id=never-stored\",\"channel\":{\"type\":\"rest-hook\",\"endpoint\":"
                + "\"http://127.0.0.1:9/hook\",\"payload\":\"application/fhir+json\"}}";
    }

    private static String observation(String id, String subject, String performer) {
        return "{\"resourceType\":\"Observation\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
                + ",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8302-2\","
                + "\"display\":\"Body height\"}]},\"subject\":{\"reference\":\"Patient/" + subject + "\"}"
                + (performer == null ? "" : ",\"performer\":[{\"reference\":\"Patient/" + performer + "\"}]")
                + ",\"effectiveDateTime\":\"2025-01-01\",\"valueQuantity\":{\"value\":170,\"unit\":\"cm\","
                + "\"system\":\"http://unitsofmeasure.org\",\"code\":\"cm\"}}";
    }

    /** Makes one read fail inside the FHIR server the way a database fault would, to check what leaks. */
    @TestConfiguration
    static class FailureInjection {

        static final String TRIGGER = "inject-sql-failure";

        @Bean
        FhirServerPlugin sqlFailureInjection() {
            return server -> server.registerInterceptor(new Object() {
                @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
                public void fail(RequestDetails request) {
                    if (request.getRequestPath() != null && request.getRequestPath().contains(TRIGGER)) {
                        throw new IllegalStateException("could not execute statement; SQL [select * from HFJ_RESOURCE "
                                + "where RES_ID=?]; constraint [IDX_X]");
                    }
                }
            });
        }
    }
}
