package org.resistancecds.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.resistancecds.cohort.CohortDesign;
import org.resistancecds.cohort.CohortGenerator;
import org.resistancecds.cohort.CohortLoader;
import org.resistancecds.cohort.LoadSummary;

/**
 * Re-evaluation lag under a stream of writes for many patients, printed (a benchmark: opt-in with
 * {@code -Dbench=true}; it asserts correctness, not speed). Two runs: the cohort ingest of the data issue with probe
 * writes beside it (below), and a stream generated here: each of {@code bench.writers} clients takes patients in
 * turn and writes, as one transaction each,
 * (1) the patient with pembrolizumab and two partial responses, (2) a progression and its confirmation, then a
 * plasma ctDNA result with an emergent B2M change, waiting after each write until the stored assessment shows it.
 * Lag = from the write's acknowledgement to the first read that sees the new assessment (polled every
 * {@code bench.poll-ms}), so it includes the queue wait behind other patients' writes.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ReevaluationLagBenchIT extends AbstractMonitoringIT {

    private final int patients = Integer.getInteger("bench.patients", 200);
    private final int writers = Integer.getInteger("bench.writers", 8);
    private final long pollMillis = Long.getLong("bench.poll-ms", 10);

    @Test
    void lagFromWriteToStoredAssessment() throws Exception {
        List<Double> lags = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        String run = UUID.randomUUID().toString().substring(0, 6);
        ExecutorService clients = Executors.newFixedThreadPool(writers);
        long start = System.nanoTime();
        List<Future<Integer>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            done.add(clients.submit(() -> {
                IGenericClient client = fhirClient();
                int writes = 0;
                for (int i = next.getAndIncrement(); i < patients; i = next.getAndIncrement()) {
                    String patient = "bench-" + run + "-" + i;
                    lags.add(writeAndWait(client, patient, MonitoringData.respondingCourse(patient), "responding", null));
                    lags.add(writeAndWait(client, patient, MonitoringData.confirmedProgression(patient), "acquired-resistance", null));
                    lags.add(writeAndWait(client, patient, MonitoringData.transaction(MonitoringData.ctdna(patient,
                            patient + "-b2m", "2024-04-20", "HGNC:914", "B2M", "p.Gln12Ter", 4.0)), "acquired-resistance",
                            "antigen-presentation-defect"));
                    writes += 3;
                }
                return writes;
            }));
        }
        int writes = 0;
        for (Future<Integer> future : done) {
            writes += future.get();
        }
        clients.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        awaitQuiet(Duration.ofMinutes(2));

        List<Double> sorted = new ArrayList<>(lags);
        Collections.sort(sorted);
        assertThat(sorted).hasSize(patients * 3);
        System.out.printf("Re-evaluation lag, client-side (write acknowledged -> new assessment readable), %d patients, "
                        + "%d writers, %d writes in %.1f s (%.1f writes/s): p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                patients, writers, writes, seconds, writes / seconds, percentile(sorted, 0.50), percentile(sorted, 0.90),
                percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
        printServerSide();
    }

    /**
     * The lag while the cohort of the data issue is ingested: {@code bench.cohort-patients} generated patients
     * (seed 42, {@code bench.vital-signs} vital signs each) load through {@link CohortLoader} from
     * {@code bench.writers} clients, every transaction itself queueing a re-evaluation; meanwhile one probe client
     * writes the first two steps of the stream below (course, confirmed progression) for one patient after another
     * and times each write until its assessment is readable. The server-side timer covers the cohort's own re-evaluations as well as the probes'.
     */
    @Test
    void lagUnderCohortIngest() throws Exception {
        int cohortPatients = Integer.getInteger("bench.cohort-patients", 100);
        int vitalSigns = Integer.getInteger("bench.vital-signs", 20);
        CohortGenerator generator = new CohortGenerator(fhirContext, CohortDesign.load(), 42);
        List<CohortLoader.Source> sources = generator.patients(0, cohortPatients, vitalSigns).stream()
                .map(p -> new CohortLoader.Source(p.key(), p::transaction)).toList();
        CohortLoader loader = new CohortLoader(fhirContext, fhirBase(), writers, 500, null);

        ExecutorService ingest = Executors.newSingleThreadExecutor();
        Future<LoadSummary> loading = ingest.submit(() -> loader.load(sources));
        List<Double> lags = new ArrayList<>();
        IGenericClient client = fhirClient();
        String run = UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; !loading.isDone(); i++) {
            String patient = "probe-" + run + "-" + i;
            lags.add(writeAndWait(client, patient, MonitoringData.respondingCourse(patient), "responding", null));
            lags.add(writeAndWait(client, patient, MonitoringData.confirmedProgression(patient), "acquired-resistance", null));
        }
        LoadSummary summary = loading.get();
        ingest.shutdown();
        awaitQuiet(Duration.ofMinutes(5));

        assertThat(summary.failures()).as(summary.describe()).isEmpty();
        assertThat(lags).isNotEmpty();
        List<Double> sorted = new ArrayList<>(lags);
        Collections.sort(sorted);
        System.out.printf("Cohort ingest beside the probes: %s%n", summary.describe());
        System.out.printf("Re-evaluation lag under cohort ingest, client-side probes (write acknowledged -> new "
                        + "assessment readable), %d probe writes: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99),
                sorted.get(sorted.size() - 1));
        printServerSide();
    }

    private void printServerSide() throws Exception {
        System.out.printf("Server-side (commit -> re-evaluation done, last 2 minutes): p50 %.0f ms, p99 %.0f ms; "
                        + "one re-evaluation p50 %.0f ms, p99 %.0f ms; runs changed %.0f, unchanged %.0f, failed %.0f, "
                        + "writes merged into a waiting entry %.0f, rejected %.0f%n",
                serverPercentile("resistance.reevaluation.lag", "0.5"), serverPercentile("resistance.reevaluation.lag", "0.99"),
                serverPercentile("resistance.reevaluation.duration", "0.5"),
                serverPercentile("resistance.reevaluation.duration", "0.99"),
                tagged("resistance.reevaluation.runs", "result:changed"), tagged("resistance.reevaluation.runs", "result:unchanged"),
                tagged("resistance.reevaluation.runs", "result:failed"), tagged("resistance.reevaluation.requests", "outcome:merged"),
                tagged("resistance.reevaluation.requests", "outcome:rejected"));
    }

    /** Writes, then polls until the stored status (and mechanism, if given) show it; returns the lag in ms. */
    private double writeAndWait(IGenericClient client, String patient, org.hl7.fhir.r4.model.Bundle write, String status,
            String mechanism) throws InterruptedException {
        client.transaction().withBundle(write).execute();
        long acknowledged = System.nanoTime();
        long deadline = acknowledged + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (shows(client, patient, status, mechanism)) {
                return (System.nanoTime() - acknowledged) / 1e6;
            }
            Thread.sleep(pollMillis);
        }
        throw new AssertionError("Patient/" + patient + " not assessed as " + status + " within 2 minutes");
    }

    private static boolean shows(IGenericClient client, String patient, String status, String mechanism) {
        try {
            Observation stored = client.read().resource(Observation.class).withId("resistance-status-" + patient).execute();
            if (!status.equals(stored.getValueCodeableConcept().getCodingFirstRep().getCode())) {
                return false;
            }
            if (mechanism == null) {
                return true;
            }
            client.read().resource(Observation.class).withId("resistance-mechanism-" + patient + "-" + mechanism)
                    .execute();
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }

    private double serverPercentile(String timer, String phi) throws Exception {
        var response = get("/actuator/metrics/" + timer + ".percentile?tag=phi:" + phi);
        if (response.statusCode() != 200) {
            return Double.NaN;
        }
        // Micrometer reports timer percentiles in seconds.
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body())
                .get("measurements").get(0).get("value").asDouble() * 1000;
    }

    private double tagged(String counter, String tag) throws Exception {
        var response = get("/actuator/metrics/" + counter + "?tag=" + tag);
        if (response.statusCode() != 200) {
            return 0;
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body())
                .get("measurements").get(0).get("value").asDouble();
    }
}
