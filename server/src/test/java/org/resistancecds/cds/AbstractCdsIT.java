package org.resistancecds.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.resistancecds.AbstractServerIT;
import org.resistancecds.cds.security.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real server with a scripted engine and CDS client authentication on: one trusted EHR with an inline JWK
 * Set, and one whose tokens point to its keys by {@code jku} (served by {@link FakeEhr}). Every helper call
 * signs a fresh token for the exact URL it calls.
 */
@Import(AbstractCdsIT.ScriptedEngine.class)
public abstract class AbstractCdsIT extends AbstractServerIT {

    public static final String JKU_ISSUER = "https://jku-ehr.test.example/";
    protected static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    protected ScriptedEvaluator engine;

    @DynamicPropertySource
    static void cdsClients(DynamicPropertyRegistry registry) {
        registry.add("resistance.cds.security.enabled", () -> "true");
        registry.add("resistance.cds.security.clients[0].issuer", () -> TestJwts.ISSUER);
        registry.add("resistance.cds.security.clients[0].jwks", TestJwts::trustedJwks);
        registry.add("resistance.cds.security.clients[1].issuer", () -> JKU_ISSUER);
        registry.add("resistance.cds.security.clients[1].allowed-jku[0]", () -> FakeEhr.get().jwksUrl());
    }

    /** Replaces the engine for these tests (and only these: the context is their own). */
    @TestConfiguration
    static class ScriptedEngine {
        @Bean
        @Primary
        ScriptedEvaluator scriptedEvaluator() {
            return new ScriptedEvaluator();
        }
    }

    @BeforeEach
    void resetEngine() {
        engine.reset();
    }

    /** A signed POST to a CDS endpoint. */
    protected HttpResponse<String> cdsPost(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token(path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    protected HttpResponse<String> cdsGet(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + token(path))
                .GET()
                .build());
    }

    protected HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    protected String token(String path) {
        return TestJwts.es384(TestJwts.claims(baseUrl() + path).build());
    }

    /** Calls a service; a 200 answer must also be a valid CDSHooksResponse (HL7 logical model). */
    protected HttpResponse<String> callService(String serviceId, String body) throws Exception {
        HttpResponse<String> response = cdsPost("/cds-services/" + serviceId, body);
        if (response.statusCode() == 200) {
            assertThat(CdsHooksModelValidator.get().errors(response.body(), CdsHooksModelValidator.RESPONSE))
                    .as("CDSHooksResponse errors").isEmpty();
        }
        return response;
    }

    protected static String request(String hook, String patientId, String extraTopLevel, String contextExtra) {
        return "{\"hook\":\"" + hook + "\",\"hookInstance\":\"" + UUID.randomUUID() + "\""
                + (extraTopLevel == null ? "" : "," + extraTopLevel)
                + ",\"context\":{\"userId\":\"Practitioner/dr-1\",\"patientId\":\"" + patientId + "\""
                + (contextExtra == null ? "" : "," + contextExtra) + "}}";
    }

    protected static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    /** An error answer: JSON (an OperationOutcome) that says why, and nothing of the server's insides. */
    protected static String assertErrorBody(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(body.get("resourceType").asText()).isEqualTo("OperationOutcome");
        String diagnostics = body.at("/issue/0/diagnostics").asText();
        assertThat(diagnostics).isNotBlank();
        assertThat(response.body()).doesNotContain("\tat ", "Exception", "org.resistancecds.", "ca.uhn.");
        return diagnostics;
    }

}
