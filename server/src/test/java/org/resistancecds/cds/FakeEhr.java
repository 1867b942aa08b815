package org.resistancecds.cds;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.resistancecds.cds.security.TestJwts;

/**
 * An EHR on the loopback interface for tests: a FHIR server that demands the access token it granted
 * ({@code Bearer remote-token}) and pages its Observation search, and the JWK Set URL its tokens point to by
 * {@code jku}. It records the Authorization headers it receives.
 */
public final class FakeEhr {

    public static final String ACCESS_TOKEN = "remote-token";
    public static final String PATIENT = "remote-1";
    /** Patients whose Observation search the EHR answers wrongly: with an OperationOutcome, and with another's data. */
    public static final String PATIENT_ANSWERED_WITH_OUTCOME = "remote-outcome";
    public static final String PATIENT_ANSWERED_WITH_OTHERS = "remote-others";
    /** A Medication only the EHR holds (pembrolizumab in ATC), for draft orders that refer to it. */
    public static final String MEDICATION = "remote-pembro";

    private static final FakeEhr INSTANCE = start();

    private final HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private FakeEhr(HttpServer server) {
        this.server = server;
    }

    public static FakeEhr get() {
        return INSTANCE;
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String fhirBase() {
        return base() + "/fhir";
    }

    public String jwksUrl() {
        return base() + "/jwks";
    }

    public List<String> authorizations() {
        return authorizations;
    }

    private static FakeEhr start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread thread = new Thread(r, "fake-ehr");
                thread.setDaemon(true);
                return thread;
            }));
            FakeEhr ehr = new FakeEhr(server);
            server.createContext("/jwks", exchange -> ehr.send(exchange, 200, TestJwts.trustedJwks()));
            server.createContext("/fhir", ehr::fhir);
            server.start();
            return ehr;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void fhir(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        if (!("Bearer " + ACCESS_TOKEN).equals(authorization)) {
            send(exchange, 401, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\"}]}");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        if (path.equals("/fhir/Patient/" + PATIENT) || path.equals("/fhir/Patient/" + PATIENT_ANSWERED_WITH_OUTCOME)
                || path.equals("/fhir/Patient/" + PATIENT_ANSWERED_WITH_OTHERS)) {
            String id = path.substring("/fhir/Patient/".length());
            send(exchange, 200, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"birthDate\":\"1956-02-01\"}");
        } else if (path.equals("/fhir/Observation") && query.contains(PATIENT_ANSWERED_WITH_OUTCOME)) {
            send(exchange, 200, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                    + "\"code\":\"too-costly\"}]}");
        } else if (path.equals("/fhir/Observation") && query.contains(PATIENT_ANSWERED_WITH_OTHERS)) {
            send(exchange, 200, searchset(List.of(observation("obs-other")), null));
        } else if (path.equals("/fhir/Medication/" + MEDICATION)) {
            send(exchange, 200, "{\"resourceType\":\"Medication\",\"id\":\"" + MEDICATION + "\",\"code\":{\"coding\":"
                    + "[{\"system\":\"http://www.whocc.no/atc\",\"code\":\"L01FF02\"}]}}");
        } else if (path.startsWith("/fhir/Patient/") || path.startsWith("/fhir/Medication/")) {
            send(exchange, 404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
        } else if (path.equals("/fhir/Observation") && query != null && query.contains("page=2")) {
            send(exchange, 200, searchset(List.of(observation("obs-r2")), null));
        } else if (path.equals("/fhir/Observation")) {
            send(exchange, 200, searchset(List.of(observation("obs-r1")),
                    fhirBase() + "/Observation?patient=" + PATIENT + "&page=2"));
        } else {
            send(exchange, 200, searchset(List.of(), null));
        }
    }

    private static String observation(String id) {
        return "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\","
                + "\"code\":{\"text\":\"tumour response\"},\"subject\":{\"reference\":\"Patient/" + PATIENT + "\"}}";
    }

    private static String searchset(List<String> resources, String next) {
        StringBuilder json = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"searchset\"");
        if (next != null) {
            json.append(",\"link\":[{\"relation\":\"next\",\"url\":\"").append(next).append("\"}]");
        }
        json.append(",\"entry\":[");
        for (int i = 0; i < resources.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"resource\":").append(resources.get(i)).append('}');
        }
        return json.append("]}").toString();
    }

    private void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
