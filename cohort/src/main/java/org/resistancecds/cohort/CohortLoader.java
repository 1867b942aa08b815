package org.resistancecds.cohort;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Posts transaction Bundles to a running FHIR server from several clients at once, splitting each Bundle larger
 * than {@code maxEntries} into consecutive transactions ({@link ChunkedTransaction}). Shows a progress bar while it
 * runs (when given a stream) and returns a {@link LoadSummary} with resources/s and every failure's reason.
 */
public final class CohortLoader {

    /** A Bundle to load, made only when a client takes it (Synthea Bundles are large). */
    public record Source(String name, Supplier<Bundle> bundle) {}

    private final FhirContext fhirContext;
    private final String fhirBase;
    private final int clients;
    private final int maxEntries;
    private final PrintStream progress;
    private final String bearerToken;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    public CohortLoader(FhirContext fhirContext, String fhirBase, int clients, int maxEntries, PrintStream progress) {
        this(fhirContext, fhirBase, clients, maxEntries, progress, null);
    }

    /** @param bearerToken an OAuth2 access token sent with every request, for a server with access control on; or null */
    public CohortLoader(FhirContext fhirContext, String fhirBase, int clients, int maxEntries, PrintStream progress,
            String bearerToken) {
        this.bearerToken = bearerToken == null || bearerToken.isBlank() ? null : bearerToken.strip();
        this.fhirContext = fhirContext;
        this.fhirBase = fhirBase.endsWith("/") ? fhirBase.substring(0, fhirBase.length() - 1) : fhirBase;
        this.clients = clients;
        this.maxEntries = maxEntries;
        this.progress = progress;
    }

    public LoadSummary load(List<Source> sources) throws InterruptedException {
        List<LoadSummary.Failure> failures = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> patientIds = new ConcurrentHashMap<>();
        AtomicLong resources = new AtomicLong();
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (Source source : sources) {
            pool.execute(() -> {
                try {
                    loadOne(source, resources, requests, failures, patientIds);
                } catch (RuntimeException e) {
                    // Status 0: no HTTP answer. The message says why; the exception class adds nothing for a user.
                    failures.add(new LoadSummary.Failure(source.name(), 0,
                            e.getMessage() == null ? e.toString() : e.getMessage()));
                }
                done.incrementAndGet();
            });
        }
        pool.shutdown();
        while (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
            showProgress(done.get(), sources.size(), resources.get(), started, failures.size());
        }
        showProgress(done.get(), sources.size(), resources.get(), started, failures.size());
        if (progress != null) {
            progress.println();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new LoadSummary(sources.size(), requests.get(), resources.get(), seconds,
                List.copyOf(failures), Map.copyOf(patientIds));
    }

    private void loadOne(Source source, AtomicLong resources, AtomicInteger requests,
            List<LoadSummary.Failure> failures, Map<String, String> patientIds) {
        Bundle bundle = source.bundle().get();
        List<String> patientUrls = bundle.getEntry().stream()
                .filter(entry -> entry.getResource() != null && "Patient".equals(entry.getResource().fhirType()))
                .map(Bundle.BundleEntryComponent::getFullUrl)
                .toList();
        ChunkedTransaction chunks = new ChunkedTransaction(fhirContext, bundle, maxEntries);
        while (chunks.hasNext()) {
            Bundle chunk = chunks.nextChunk();
            HttpResponse<String> response = post(chunk);
            requests.incrementAndGet();
            if (response.statusCode() != 200) {
                failures.add(new LoadSummary.Failure(source.name(), response.statusCode(), reason(response.body())));
                return;
            }
            chunks.accept(chunk, fhirContext.newJsonParser().parseResource(Bundle.class, response.body()));
            resources.addAndGet(chunk.getEntry().size());
        }
        for (String url : patientUrls) {
            String id = chunks.assignedIds().get(url);
            if (url != null && id != null) {
                patientIds.put(url, id);
            }
        }
    }

    private HttpResponse<String> post(Bundle chunk) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fhirBase))
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(fhirContext.newJsonParser().encodeResourceToString(chunk)));
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            // java.net.http's ConnectException has no message: the report said "failed: null" for every Bundle.
            throw new IllegalStateException("cannot connect to " + fhirBase
                    + ": is the server running, and is --url its FHIR base (http://host:port/fhir)?", e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("POST " + fhirBase + " failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The OperationOutcome's first error, or the start of the body when the server sent something else. */
    private String reason(String body) {
        try {
            OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, body);
            return outcome.getIssue().stream()
                    .map(issue -> issue.getDiagnostics() + (issue.hasLocation() ? " @ " + issue.getLocation().get(0) : ""))
                    .findFirst()
                    .orElse("(no issue)");
        } catch (DataFormatException | ClassCastException notAnOutcome) {
            return body.length() > 300 ? body.substring(0, 300) + "..." : body;
        }
    }

    private void showProgress(int done, int total, long resources, long started, int failed) {
        if (progress == null) {
            return;
        }
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        progress.printf(Locale.ROOT, "\r[%s%s] %,d/%,d bundles  %,d resources  %.0f resources/s  %d failed ",
                "#".repeat(filled), ".".repeat(width - filled), done, total, resources, resources / seconds, failed);
        progress.flush();
    }
}
