package org.resistancecds.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.resistancecds.StandaloneServer;

/**
 * The server as started by the README's command, with access control on (the default) and no issuer configured:
 * it starts, stays ready, keeps its public documents open, and refuses every data request with a 401 that says
 * why, with or without a token.
 */
class UnconfiguredSecurityIT {

    private static StandaloneServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = StandaloneServer.start(Map.of(
                "spring.datasource.url", "jdbc:h2:mem:unconfigured-security-it;DB_CLOSE_DELAY=-1",
                "resistance.security.enabled", "true",
                "resistance.http.failed-token-limit", "20"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void dataRequestsAreRefusedAndTheAnswerSaysWhy() throws Exception {
        HttpResponse<String> withoutToken = get("/Patient", null);
        HttpResponse<String> withToken = get("/Patient", TestIssuer.get().sign(TestIssuer.claims("system/*.*").build()));

        assertThat(withoutToken.statusCode()).isEqualTo(401);
        assertThat(withoutToken.body()).contains("OperationOutcome").contains("no token issuer configured")
                .contains("resistance.security.issuer");
        assertThat(withToken.statusCode()).isEqualTo(401);
        assertThat(withToken.body()).contains("The access token was refused").contains("no token issuer configured");
        assertThat(withToken.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).contains("invalid_token"));
    }

    /** The CDS 401 said only that a JWT is required; why no JWT could pass was in the server's log alone. */
    @Test
    void cdsCallsAreRefusedAndTheAnswerSaysNoClientIsRegistered() throws Exception {
        String root = server.fhirBase().substring(0, server.fhirBase().length() - "/fhir".length());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(root + "/cds-services/ici-resistance-patient-view"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("OperationOutcome", "Authorization: Bearer <JWT> is required",
                "trusts no CDS client", "resistance.cds.security.clients", "--spring.profiles.active=dev");
    }

    @Test
    void writesAreRefusedToo() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.fhirBase() + "/Patient"))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void metadataAndSmartConfigurationStayPublic() throws Exception {
        HttpResponse<String> metadata = get("/metadata", null);
        HttpResponse<String> smart = get("/.well-known/smart-configuration", null);

        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).contains("CapabilityStatement").contains("SMART-on-FHIR")
                .contains("none configured");
        assertThat(smart.statusCode()).isEqualTo(200);
        assertThat(smart.body()).contains("permission-v2");
    }

    /** Without resistance.fhir.allowed-origins no page on another origin is let in, preflight or not. */
    @Test
    void browsersOnOtherOriginsGetNoCorsAllowanceByDefault() throws Exception {
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(server.fhirBase() + "/Patient"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "https://smart-app.test.example")
                        .header("Access-Control-Request-Method", "GET")
                        .header("Access-Control-Request-Headers", "authorization")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(URI.create(server.fhirBase() + "/metadata"))
                        .header("Origin", "https://smart-app.test.example").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    /**
     * An address whose tokens keep being refused is held back before they are checked, on both endpoints; the
     * public documents stay open to it, and other addresses are not held back. Sent from 127.0.0.3, so that the
     * other tests' refusals (from 127.0.0.1) do not count.
     */
    @Test
    void anAddressWithTwentyRefusedTokensGets429ForTheRestOfTheMinute() throws Exception {
        String root = server.fhirBase().substring(0, server.fhirBase().length() - "/fhir".length());
        URI fhir = URI.create(server.fhirBase() + "/Patient");
        URI cds = URI.create(root + "/cds-services/ici-resistance-patient-view");
        for (int i = 0; i < 20; i++) {
            assertThat(fromAnotherAddress(i % 2 == 0 ? fhir : cds, "Bearer not-a-token-" + i))
                    .startsWith("HTTP/1.1 401");
        }

        String held = fromAnotherAddress(cds, "Bearer not-a-token-20");
        String heldOnFhir = fromAnotherAddress(fhir, "Bearer not-a-token-21");
        String metadata = fromAnotherAddress(URI.create(server.fhirBase() + "/metadata"), null);
        HttpResponse<String> otherAddress = get("/Patient", "not-a-token");

        assertThat(held).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After: ")
                .contains("Too many refused tokens: 20", "\"code\":\"throttled\"");
        assertThat(heldOnFhir).startsWith("HTTP/1.1 429");
        assertThat(metadata).startsWith("HTTP/1.1 200");
        assertThat(otherAddress.statusCode()).isEqualTo(401);
    }

    /** One request over a connection from 127.0.0.3 (Java's HTTP client cannot choose its local address). */
    private static String fromAnotherAddress(URI uri, String authorization) throws Exception {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort(), InetAddress.getByName("127.0.0.3"), 0)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":"
                    + uri.getPort() + "\r\nConnection: close\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.fhirBase() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
