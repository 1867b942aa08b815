package org.resistancecds.bench;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.resistancecds.cds.PatientViewRequests;
import org.resistancecds.cds.SyntheticRecord;

/**
 * Load and latency of the CDS patient-view service against a running server, next to the trivial {@code hello}
 * service in the same run (the floor). Prints calls/s, p50 and p99 per scenario, and the ratios the issue's
 * goals are stated in. Not a test: the figures depend on the machine.
 *
 * <p>Usage: {@code CdsBenchmark <baseUrl> [--patients N] [--size N] [--warmup S] [--seconds S] [--clients 1,16]
 * [--write-requests DIR]}. With {@code --write-requests} it only loads the patients and writes the request bodies,
 * one per line, to {@code DIR/prefetch-sent.jsonl} and {@code DIR/prefetch-fetched.jsonl}, for an external load
 * tool ({@code bench/cds-wrk.sh}).
 */
public final class CdsBenchmark {

    private static final String RESISTANCE = "ici-resistance-patient-view";
    private static final String HELLO = "hello";

    private final String base;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    CdsBenchmark(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int patients = intOption(args, "--patients", 32);
        int size = intOption(args, "--size", 200);
        int warmup = intOption(args, "--warmup", 10);
        int seconds = intOption(args, "--seconds", 20);
        int[] clients = Arrays.stream(option(args, "--clients", "1,16").split(",")).mapToInt(Integer::parseInt).toArray();
        String requestDir = option(args, "--write-requests", null);
        CdsBenchmark benchmark = new CdsBenchmark(base);
        if (requestDir != null) {
            benchmark.writeRequests(patients, size, Path.of(requestDir));
        } else {
            benchmark.run(patients, size, warmup, seconds, clients);
        }
    }

    private void writeRequests(int patientCount, int size, Path dir) throws Exception {
        List<String> withPrefetch = new ArrayList<>();
        List<String> withoutPrefetch = new ArrayList<>();
        loadPatients(patientCount, size, withPrefetch, withoutPrefetch);
        Files.createDirectories(dir);
        Files.write(dir.resolve("prefetch-sent.jsonl"), withPrefetch);
        Files.write(dir.resolve("prefetch-fetched.jsonl"), withoutPrefetch);
    }

    /** Stores synthetic patients on the server and collects one patient-view request per patient. */
    private void loadPatients(int patientCount, int size, List<String> withPrefetch, List<String> withoutPrefetch)
            throws Exception {
        FhirContext fhirContext = FhirContext.forR4Cached();
        String run = UUID.randomUUID().toString().substring(0, 8);
        System.out.printf("Loading %d synthetic patients of %d resources each...%n", patientCount, size);
        for (int i = 0; i < patientCount; i++) {
            SyntheticRecord record = new SyntheticRecord("bench-" + run + "-" + i, size);
            post("/fhir", fhirContext.newJsonParser().encodeResourceToString(record.transaction()), 200);
            withPrefetch.add(body(record.patientId(), record.prefetchJson(fhirContext)));
            withoutPrefetch.add(body(record.patientId(), null));
        }
        System.out.printf("Request body with prefetch: %,d bytes%n%n", withPrefetch.get(0).length());
    }

    private void run(int patientCount, int size, int warmup, int seconds, int[] clientCounts) throws Exception {
        List<String> withPrefetch = new ArrayList<>();
        List<String> withoutPrefetch = new ArrayList<>();
        loadPatients(patientCount, size, withPrefetch, withoutPrefetch);

        System.out.printf(Locale.ROOT, "%-30s %-12s %7s %9s %10s %9s %9s %7s%n",
                "service", "prefetch", "clients", "calls", "calls/s", "p50 ms", "p99 ms", "errors");
        List<Result> results = new ArrayList<>();
        for (boolean prefetch : new boolean[] {true, false}) {
            for (int clients : clientCounts) {
                for (String service : List.of(HELLO, RESISTANCE)) {
                    List<String> bodies = prefetch ? withPrefetch : withoutPrefetch;
                    measure(service, bodies, clients, warmup);
                    Result result = measure(service, bodies, clients, seconds).named(service, prefetch, clients);
                    results.add(result);
                    System.out.printf(Locale.ROOT, "%-30s %-12s %7d %9d %10.1f %9.2f %9.2f %7d%n", service,
                            prefetch ? "sent" : "fetched", clients, result.calls, result.perSecond(), result.p50(),
                            result.p99(), result.errors);
                }
            }
        }
        System.out.println();
        for (boolean prefetch : new boolean[] {true, false}) {
            for (int clients : clientCounts) {
                Result hello = find(results, HELLO, prefetch, clients);
                Result resistance = find(results, RESISTANCE, prefetch, clients);
                System.out.printf(Locale.ROOT, "prefetch %-8s clients %2d: resistance/hello throughput %.0f %%, p50 %.2f vs %.2f ms%n",
                        prefetch ? "sent" : "fetched", clients, 100 * resistance.perSecond() / hello.perSecond(),
                        resistance.p50(), hello.p50());
            }
        }
    }

    Result measure(String service, List<String> bodies, int clients, int seconds) throws InterruptedException {
        return measure(service, bodies, clients, seconds, null);
    }

    /** As above, each call carrying {@code Authorization: Bearer} with the next of {@code tokens} when given. */
    Result measure(String service, List<String> bodies, int clients, int seconds, Supplier<String> tokens)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        URI uri = URI.create(base + "/cds-services/" + service);
        for (int c = 0; c < clients; c++) {
            long[] samples = new long[200_000];
            int[] count = {0};
            latencies.add(samples);
            counts.add(count);
            int offset = c;
            Thread thread = new Thread(() -> {
                int i = offset;
                while (!stop.get()) {
                    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i++ % bodies.size())));
                    if (tokens != null) {
                        builder.header("Authorization", "Bearer " + tokens.get());
                    }
                    HttpRequest request = builder.build();
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    if (count[0] < samples.length) {
                        samples[count[0]++] = System.nanoTime() - start;
                    }
                }
                done.countDown();
            }, "bench-client-" + c);
            thread.start();
        }
        long started = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await();
        double elapsed = (System.nanoTime() - started) / 1e9;
        int total = counts.stream().mapToInt(count -> count[0]).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies.get(c), 0, all, at, counts.get(c)[0]);
            at += counts.get(c)[0];
        }
        Arrays.sort(all);
        return new Result(null, false, clients, total, errors.get(), elapsed, all);
    }

    private void post(String path, String body, int expected) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    static String body(String patientId, String prefetch) {
        return PatientViewRequests.withPrefetch(patientId, prefetch);
    }

    private static Result find(List<Result> results, String service, boolean prefetch, int clients) {
        return results.stream()
                .filter(r -> r.service.equals(service) && r.prefetch == prefetch && r.clients == clients)
                .findFirst()
                .orElseThrow();
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static int intOption(String[] args, String name, int fallback) {
        return Integer.parseInt(option(args, name, String.valueOf(fallback)));
    }

    /** One scenario's figures. */
    record Result(
            String service, boolean prefetch, int clients, long calls, long errors, double seconds, long[] sorted) {

        Result named(String name, boolean withPrefetch, int clientCount) {
            return new Result(name, withPrefetch, clientCount, calls, errors, seconds, sorted);
        }

        double perSecond() {
            return calls / seconds;
        }

        double p50() {
            return percentile(0.50);
        }

        double p99() {
            return percentile(0.99);
        }

        private double percentile(double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
        }
    }
}
