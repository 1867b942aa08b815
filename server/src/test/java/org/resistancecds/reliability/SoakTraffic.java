package org.resistancecds.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.resistancecds.cds.PatientViewRequests;

/**
 * Mixed clinical traffic against a running server: validated transactions of a whole patient record (a golden
 * scenario with fresh ids), reads, searches, CDS patient-view calls and {@code $evaluate-resistance}, from
 * several clients at once. Counts every answer that is not a success as an error, with its reason.
 */
public final class SoakTraffic {

    enum Kind { WRITE, READ, SEARCH, CDS, EVALUATE }

    private static final String SCENARIO = "/content/examples/scenarios/acquired-resistance-kras-stk11.bundle.json";
    private static final String SCENARIO_ID = "sc-kras-stk11";

    private final String base;
    private final String template;
    private final UnaryOperator<String> cdsAuthorization;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final List<String> patients = new CopyOnWriteArrayList<>();
    private final Map<Kind, List<Long>> latencies = new EnumMap<>(Kind.class);
    private final Map<String, Integer> errors = new ConcurrentHashMap<>();

    /**
     * @param cdsAuthorization the Authorization header for a CDS service URL, or {@code null} when the server
     *     does not check CDS clients
     */
    public SoakTraffic(String base, UnaryOperator<String> cdsAuthorization) {
        this.base = base;
        this.cdsAuthorization = cdsAuthorization;
        try (InputStream in = SoakTraffic.class.getResourceAsStream(SCENARIO)) {
            this.template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Kind kind : Kind.values()) {
            latencies.put(kind, Collections.synchronizedList(new ArrayList<>()));
        }
    }

    /** Runs {@code clients} clients for {@code duration}; returns when all have stopped. */
    public void run(int clients, Duration duration) throws InterruptedException {
        // Something to read before the first write lands.
        write();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int i = 0; i < clients; i++) {
            pool.execute(() -> {
                while (System.nanoTime() < end) {
                    step();
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(duration.toSeconds() + 120, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            errors.merge("clients still running two minutes after the end", 1, Integer::sum);
        }
    }

    private void step() {
        int dice = ThreadLocalRandom.current().nextInt(100);
        if (dice < 15) {
            write();
        } else if (dice < 45) {
            call(Kind.READ, get("/fhir/Patient/" + anyPatient()));
        } else if (dice < 70) {
            call(Kind.SEARCH, get("/fhir/Observation?subject=Patient/" + anyPatient() + "&_count=50"));
        } else if (dice < 90) {
            call(Kind.CDS, cdsCall("/cds-services/ici-resistance-patient-view",
                    PatientViewRequests.minimal(anyPatient())));
        } else {
            call(Kind.EVALUATE, post("/fhir/Patient/" + anyPatient() + "/$evaluate-resistance", "application/fhir+json",
                    "{\"resourceType\":\"Parameters\"}"));
        }
    }

    private void write() {
        String id = "soak-" + UUID.randomUUID().toString().substring(0, 13);
        if (call(Kind.WRITE, post("/fhir", "application/fhir+json", template.replace(SCENARIO_ID, id)))) {
            patients.add(id);
        }
    }

    private String anyPatient() {
        return patients.get(ThreadLocalRandom.current().nextInt(patients.size()));
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET().build();
    }

    private HttpRequest post(String path, String type, String body) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpRequest cdsCall(String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cdsAuthorization != null) {
            request.header("Authorization", cdsAuthorization.apply(base + path));
        }
        return request.build();
    }

    private boolean call(Kind kind, HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            latencies.get(kind).add(System.nanoTime() - start);
            if (response.statusCode() / 100 != 2) {
                String body = response.body();
                errors.merge(kind + " " + response.statusCode() + ": " + body.substring(0, Math.min(200, body.length())),
                        1, Integer::sum);
                return false;
            }
            return true;
        } catch (IOException e) {
            errors.merge(kind + " " + e, 1, Integer::sum);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public long calls() {
        return latencies.values().stream().mapToLong(List::size).sum();
    }

    public int errorCount() {
        return errors.values().stream().mapToInt(Integer::intValue).sum();
    }

    public Map<String, Integer> errors() {
        return Map.copyOf(errors);
    }

    public int patientsWritten() {
        return patients.size();
    }

    /** One line per kind of call: count, p50, p95, p99 and max in milliseconds, and the same over all calls. */
    public String report() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-9s %8s %9s %9s %9s %9s%n",
                "kind", "calls", "p50 ms", "p95 ms", "p99 ms", "max ms"));
        List<Long> all = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            List<Long> values = new ArrayList<>(latencies.get(kind));
            all.addAll(values);
            out.append(line(kind.name(), values));
        }
        out.append(line("ALL", all));
        return out.toString();
    }

    /** The p99 over all calls, in milliseconds. */
    public double p99Millis() {
        List<Long> all = new ArrayList<>();
        latencies.values().forEach(all::addAll);
        Collections.sort(all);
        return percentile(all, 0.99);
    }

    private static String line(String name, List<Long> values) {
        Collections.sort(values);
        return String.format(Locale.ROOT, "%-9s %8d %9.1f %9.1f %9.1f %9.1f%n", name, values.size(),
                percentile(values, 0.50), percentile(values, 0.95), percentile(values, 0.99), percentile(values, 1.0));
    }

    private static double percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
