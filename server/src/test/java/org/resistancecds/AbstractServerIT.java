package org.resistancecds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Boots the real server once (Spring caches the context across subclasses) on a random port with an
 * in-memory H2 database; subclasses talk to it over HTTP only.
 */
@SpringBootTest(
        classes = ResistanceCdsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:resistance-it;DB_CLOSE_DELAY=-1",
            "spring.datasource.hikari.maximum-pool-size=10",
            // FHIR access control is tested by security.FhirSecurityIT with its own issuer; the other tests
            // exercise the FHIR endpoint itself.
            "resistance.security.enabled=false",
            "resistance.audit.file=target/it-audit/audit.jsonl",
            // The shared server's tests check exactly what they stored; background re-evaluation has its own
            // server in monitoring.AbstractMonitoringIT.
            "resistance.monitoring.reevaluate=false",
            // The test JVM's heap (a quarter of the machine's memory) would size it past any resource worth sending.
            "resistance.validation.max-elements=100000",
            // Every test sends from one address, and some send refused tokens by the dozen; the limit has its own
            // tests (security.RefusedTokenLimitTest, and over HTTP UnconfiguredSecurityIT).
            "resistance.http.failed-token-limit=0"
        })
public abstract class AbstractServerIT {

    @LocalServerPort
    protected int port;

    @Autowired
    protected FhirContext fhirContext;

    protected final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Base URL of the server, without a trailing slash. */
    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    protected String fhirBase() {
        return baseUrl() + "/fhir";
    }

    /** A HAPI generic client with a socket timeout long enough for a cold validator. */
    protected IGenericClient fhirClient() {
        fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        fhirContext.getRestfulClientFactory().setSocketTimeout(60_000);
        return fhirContext.newRestfulGenericClient(fhirBase());
    }

    protected HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> postJson(String path, String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> putJson(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
