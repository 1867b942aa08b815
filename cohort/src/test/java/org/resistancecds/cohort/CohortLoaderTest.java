package org.resistancecds.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the loader sends, seen by a stand-in server that refuses every request as a secured server would. */
class CohortLoaderTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private final AtomicReference<String> authorization = new AtomicReference<>();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/fhir", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\","
                    .concat("\"diagnostics\":\"A bearer access token is required\"}]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aTokenIsSentAsBearerAndTheRefusalIsReportedWithItsReason() throws Exception {
        LoadSummary summary = loader(" t0k3n ").load(List.of(onePatient()));

        assertEquals("Bearer t0k3n", authorization.get());
        assertEquals(1, summary.failures().size());
        assertEquals(401, summary.failures().get(0).status());
        assertEquals("A bearer access token is required", summary.failures().get(0).reason());
    }

    @Test
    void withoutATokenNoAuthorizationHeaderIsSent() throws Exception {
        loader(null).load(List.of(onePatient()));

        assertNull(authorization.get());
    }

    /** An unreachable server was reported as "HTTP 0 java.lang.IllegalStateException: POST ... failed: null". */
    @Test
    void anUnreachableServerIsReportedAsSuchWithWhatToCheck() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String base = "http://localhost:" + closedPort + "/fhir";

        LoadSummary summary = new CohortLoader(FHIR, base, 1, 500, null, null).load(List.of(onePatient()));

        assertEquals(1, summary.failures().size());
        String reason = summary.failures().get(0).reason();
        assertEquals("cannot connect to " + base
                + ": is the server running, and is --url its FHIR base (http://host:port/fhir)?", reason);
        assertTrue(summary.describe().contains("patient.json: no answer: cannot connect to"), summary.describe());
    }

    private CohortLoader loader(String token) {
        String base = "http://localhost:" + server.getAddress().getPort() + "/fhir";
        return new CohortLoader(FHIR, base, 1, 500, null, token);
    }

    private static CohortLoader.Source onePatient() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry().setFullUrl("urn:uuid:9b0f1c52-5d1e-4c47-8f7e-2f1a4e6f0a01").setResource(new Patient())
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        return new CohortLoader.Source("patient.json", () -> bundle);
    }
}
