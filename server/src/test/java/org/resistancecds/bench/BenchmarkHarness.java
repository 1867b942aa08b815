package org.resistancecds.bench;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.resistancecds.cds.SyntheticRecord;
import org.resistancecds.cds.security.TestJwts;
import org.resistancecds.cohort.CohortDesign;
import org.resistancecds.cohort.CohortGenerator;
import org.resistancecds.cohort.CohortLoader;
import org.resistancecds.cohort.CohortPatient;
import org.resistancecds.cohort.LoadSummary;

/**
 * Every speed figure of the project in one run: (1) start-up and resident memory, (2) ingest of the generated
 * cohort with validation on and off, on H2 and embedded PostgreSQL, (3) warm {@code $validate} per profile,
 * (4) {@code $evaluate-resistance} on stored data, (5) CDS patient-view at 1/4/16 clients with and without
 * prefetch beside the trivial service, (6) CDS and search latency as the store grows; on request ({@code cds-auth}),
 * CDS with and without client tokens checked, on each database. Each figure is printed with
 * min / median / max over repeats (or calls); the run ends with a Markdown table and a JSON file.
 *
 * <p>Full mode starts the packaged jar as separate processes ({@code bench/run.sh}). Smoke mode
 * ({@link #smoke}) runs groups 2-6 with tiny sizes against a server that is already running, so the harness is
 * exercised by {@code mvn verify} without its cost.
 */
public final class BenchmarkHarness {

    static final String GROUP_STARTUP = "1 startup & memory";
    static final String GROUP_INGEST = "2 ingest";
    static final String GROUP_VALIDATE = "3 $validate";
    static final String GROUP_EVALUATE = "4 $evaluate-resistance";
    static final String GROUP_CDS = "5 CDS patient-view";
    static final String GROUP_GROWTH = "6 growth";

    private final Settings settings;
    private final FigureReport report;
    private final FhirContext fhirContext = FhirContext.forR4Cached();
    private final ObjectMapper json = new ObjectMapper();
    private final CohortGenerator cohort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private int nextPatient;

    BenchmarkHarness(Settings settings) {
        this.settings = settings;
        this.report = new FigureReport(settings.describe(), settings.out);
        this.cohort = new CohortGenerator(fhirContext, CohortDesign.load(), settings.seed);
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        BenchmarkHarness harness = new BenchmarkHarness(settings);
        harness.runFull();
        harness.finish();
    }

    /** Groups 2-6 at tiny sizes against a running server (the caller's); returns the figures. */
    static List<Figure> smoke(String baseUrl, Path jsonOut) throws Exception {
        Settings settings = Settings.parse(new String[] {"--smoke", "--out", jsonOut.toString()});
        BenchmarkHarness harness = new BenchmarkHarness(settings);
        try (BenchTarget target = BenchTarget.running(baseUrl)) {
            List<String> ids = harness.ingest(target, "running server", "as configured");
            harness.validate(target);
            harness.evaluate(target, ids);
            harness.cds(target);
            harness.growth(target);
        }
        harness.finish();
        return harness.report.figures();
    }

    private void finish() throws Exception {
        System.out.println();
        System.out.println(report.markdown());
        report.writeJson(settings.out);
        System.out.println("JSON: " + settings.out.toAbsolutePath());
    }

    private void runFull() throws Exception {
        Path work = Files.createTempDirectory("resistance-bench-");
        if (settings.groups.contains("startup")) {
            startup(work);
        }
        if (settings.groups.contains("ingest")) {
            for (String database : settings.databases) {
                ingestByMode(work, database);
            }
        }
        if (Stream.of("validate", "evaluate", "cds").anyMatch(settings.groups::contains)) {
            try (Database db = Database.start("h2"); BenchTarget target = start(work, db, "all")) {
                report.add(GROUP_STARTUP, "resident memory idle, H2, after start", "MB",
                        List.of(target.residentMegabytes()), "-Xmx" + settings.heap);
                List<String> ids = load(target, settings.ingestPatients, "H2 main").ids;
                if (settings.groups.contains("validate")) {
                    validate(target);
                }
                if (settings.groups.contains("evaluate")) {
                    evaluate(target, ids);
                }
                if (settings.groups.contains("cds")) {
                    cds(target);
                    report.add(GROUP_STARTUP, "resident memory after CDS load (16 clients)", "MB",
                            List.of(target.residentMegabytes()), "-Xmx" + settings.heap + ", "
                                    + settings.ingestPatients + " cohort patients stored");
                }
            }
        }
        if (settings.groups.contains("cds-auth")) {
            for (String database : settings.databases) {
                cdsWithClientTokens(work, database);
            }
        }
        if (settings.groups.contains("growth")) {
            // Growth measures reads against a large store, so it loads it the fastest way this server allows:
            // validation off, and no background re-evaluation competing with the load for the two cores.
            try (Database db = Database.start("h2");
                    BenchTarget target = start(work, db, "off", "--resistance.monitoring.reevaluate=false")) {
                growth(target);
            }
        }
    }

    private BenchTarget start(Path work, Database db, String validationMode, String... more) throws Exception {
        List<String> args = new ArrayList<>(db.arguments());
        args.addAll(List.of(more));
        args.add("--resistance.validation.mode=" + validationMode);
        args.add("--resistance.content.load-examples=false");
        args.add("--logging.level.root=WARN");
        return BenchTarget.startJar(settings.jar, work.resolve(UUID.randomUUID().toString()), settings.heap, args);
    }

    // ---- 1: start-up and memory ----

    private void startup(Path work) throws Exception {
        List<Double> ready = new ArrayList<>();
        List<Double> idle = new ArrayList<>();
        for (int i = 0; i < settings.repeats; i++) {
            try (BenchTarget target = BenchTarget.startJar(settings.jar, work.resolve("startup-" + i),
                    settings.heap, List.of("--logging.level.root=WARN"))) {
                ready.add(target.startupSeconds());
                Thread.sleep(5000);
                idle.add(target.residentMegabytes());
            }
        }
        report.add(GROUP_STARTUP, "start to readiness, empty H2 file database", "s", ready, "-Xmx" + settings.heap);
        report.add(GROUP_STARTUP, "resident memory idle, 5 s after readiness", "MB", idle, "-Xmx" + settings.heap);
    }

    // ---- 2: ingest ----

    /** The stored ids of the patients in the order they were generated, and the loader's summary. */
    private record Loaded(List<String> ids, LoadSummary summary) {}

    /**
     * One server per validation mode ({@code --ingest-modes}, default all and off), side by side, taking turns:
     * this machine's speed drifts by a third within minutes, so each repeat loads every server straight after
     * the other, and the cost of validation is taken per repeat against the {@code off} server's load of the
     * same repeat. Each load starts once every server has finished the background re-evaluation of the
     * previous one.
     */
    private void ingestByMode(Path work, String database) throws Exception {
        List<String> modes = settings.ingestModes;
        if (!modes.contains("off")) {
            throw new IllegalArgumentException("--ingest-modes must include off, the base of the cost figures");
        }
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Map<String, BenchTarget> servers = new LinkedHashMap<>();
            for (String mode : modes) {
                Database db = Database.start(database);
                started.add(db);
                BenchTarget target = start(work, db, mode);
                started.add(target);
                servers.put(mode, target);
            }
            List<BenchTarget> all = List.copyOf(servers.values());
            long stored = 0;
            for (BenchTarget target : all) {
                stored = load(target, settings.ingestWarmup, "warm-up").summary.resources();
                awaitReevaluated(all);
            }
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            Map<String, List<Double>> compiling = new LinkedHashMap<>();
            Map<String, List<Double>> cpu = new LinkedHashMap<>();
            modes.forEach(mode -> rates.put(mode, new ArrayList<>()));
            modes.forEach(mode -> compiling.put(mode, new ArrayList<>()));
            modes.forEach(mode -> cpu.put(mode, new ArrayList<>()));
            long resources = 0;
            for (int r = 0; r < settings.repeats; r++) {
                for (String mode : modes) {
                    BenchTarget target = servers.get(mode);
                    double compiledBefore = metric(target, "jvm.compilation.time");
                    double cpuBefore = metric(target, "process.cpu.time");
                    LoadSummary summary =
                            load(target, settings.ingestPatients, "ingest " + database + " " + mode).summary;
                    double seconds = summary.resources() / summary.resourcesPerSecond();
                    // Milliseconds of JIT compiler time per second of load, as a % of one core.
                    compiling.get(mode).add(
                            (metric(target, "jvm.compilation.time") - compiledBefore) / 10 / seconds);
                    awaitReevaluated(all);
                    // The server process's CPU (every thread: requests, JIT, GC, re-evaluation of the load's
                    // patients), in nanoseconds, per stored resource: unlike throughput, untouched by the load
                    // client and the other server sharing the machine.
                    cpu.get(mode).add((metric(target, "process.cpu.time") - cpuBefore) / 1e6 / summary.resources());
                    rates.get(mode).add(summary.resourcesPerSecond());
                    resources = summary.resources();
                }
                stored += resources;
            }
            String note = String.format(Locale.ROOT, "%d patients (about %,d resources) per repeat, %d clients, "
                    + "transactions of one patient, after %,d patients of warm-up; the modes take turns",
                    settings.ingestPatients, resources, settings.clients, settings.ingestWarmup);
            rates.forEach((mode, list) -> report.add(
                    GROUP_INGEST, "ingest, " + database + ", validation " + mode, "resources/s", list, note));
            // Still-compiling servers measure the JIT as much as the server: this says how warm they were.
            compiling.forEach((mode, list) -> report.add(GROUP_INGEST, "ingest, " + database + ", validation " + mode
                    + ": JIT compiler busy during the load", "% of a core", list, "jvm.compilation.time"));
            for (String mode : modes) {
                OptionalLong bytes = servers.get(mode).h2FileBytes();
                if (bytes.isPresent()) {
                    // H2's file grows faster than its data while loading (README, Durability): its size per
                    // stored resource.
                    report.add(GROUP_INGEST, "ingest, " + database + ", validation " + mode
                            + ": database file per stored resource", "KB", List.of(bytes.getAsLong() / 1024.0 / stored),
                            String.format(Locale.ROOT, "after all loads, about %,d cohort resources", stored));
                }
            }
            cpu.forEach((mode, list) -> report.add(GROUP_INGEST, "ingest, " + database + ", validation " + mode
                    + ": server CPU per stored resource", "ms", list, "process.cpu.time, the load and its re-evaluation"));
            for (String mode : modes) {
                if (mode.equals("off")) {
                    continue;
                }
                report.add(GROUP_INGEST, "ingest, " + database + ", throughput lost to validation " + mode
                        + " (1 - " + mode + "/off)", "%", shareLost(rates.get(mode), rates.get("off")),
                        "per repeat, against the off load of the same repeat");
                report.add(GROUP_INGEST, "ingest, " + database + ", server CPU spent on validation " + mode
                        + " (1 - off/" + mode + " CPU per resource)", "%", shareLost(cpu.get("off"), cpu.get(mode)),
                        "per repeat, against the off load of the same repeat");
            }
        } finally {
            // Servers before their databases, every one even if one fails to stop.
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    System.err.println("could not stop " + started.get(i) + ": " + e);
                }
            }
        }
    }

    /** Per repeat, {@code 100 * (1 - part / whole)}: the share of {@code whole} that {@code part} lacks. */
    private static List<Double> shareLost(List<Double> part, List<Double> whole) {
        List<Double> shares = new ArrayList<>();
        for (int r = 0; r < part.size(); r++) {
            shares.add(100 * (1 - part.get(r) / whole.get(r)));
        }
        return shares;
    }

    /** Waits (up to 5 minutes) until no server has re-evaluations pending: one load's tail must not slow the next. */
    private void awaitReevaluated(List<BenchTarget> targets) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        for (BenchTarget target : targets) {
            while (pendingReevaluations(target) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("re-evaluation pending after 5 minutes at " + target.baseUrl());
                }
                Thread.sleep(200);
            }
        }
    }

    private double pendingReevaluations(BenchTarget target) throws Exception {
        return metric(target, "resistance.reevaluation.pending");
    }

    private double metric(BenchTarget target, String name) throws Exception {
        HttpResponse<String> response = get(target.baseUrl() + "/actuator/metrics/" + name);
        expect(response, 200);
        return json.readTree(response.body()).path("measurements").path(0).path("value").asDouble();
    }

    /** Ingest into one server as it is configured (the smoke run's test server). */
    private List<String> ingest(BenchTarget target, String database, String mode) throws Exception {
        load(target, settings.ingestWarmup, "warm-up");
        List<Double> rates = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        long resources = 0;
        for (int r = 0; r < settings.repeats; r++) {
            LoadSummary summary = load(target, settings.ingestPatients, "ingest " + database + " " + mode).summary;
            rates.add(summary.resourcesPerSecond());
            resources = summary.resources();
            summary.patientIds().values().forEach(ids::add);
        }
        report.add(GROUP_INGEST, "ingest, " + database + ", validation " + mode, "resources/s", rates,
                String.format(Locale.ROOT, "%d patients = %,d resources per repeat, %d clients, transactions of "
                        + "one patient", settings.ingestPatients, resources, settings.clients));
        return ids;
    }

    private Loaded load(BenchTarget target, int patients, String label) throws Exception {
        return load(target, patients, 1, label);
    }

    private Loaded load(BenchTarget target, int patients, int perTransaction, String label) throws Exception {
        List<CohortPatient> batch = cohort.patients(nextPatient, patients, settings.vitalSigns);
        nextPatient += patients;
        LoadSummary summary = loadBatch(target, batch, perTransaction, label);
        List<String> ids = batch.stream().map(p -> summary.patientIds().get(p.patientFullUrl())).toList();
        return new Loaded(ids, summary);
    }

    private LoadSummary loadBatch(BenchTarget target, List<CohortPatient> batch, int perTransaction, String label)
            throws Exception {
        CohortLoader loader = new CohortLoader(fhirContext, target.fhirBase(), settings.clients, settings.maxEntries,
                settings.smoke ? null : System.err);
        List<CohortLoader.Source> sources = new ArrayList<>();
        for (int i = 0; i < batch.size(); i += perTransaction) {
            List<CohortPatient> group = batch.subList(i, Math.min(batch.size(), i + perTransaction));
            sources.add(new CohortLoader.Source(group.get(0).key(), () -> CohortPatient.oneTransaction(group)));
        }
        LoadSummary summary = loader.load(sources);
        if (!summary.failures().isEmpty()) {
            throw new IllegalStateException(label + ": " + summary.describe());
        }
        return summary;
    }

    // ---- 3: $validate per profile ----

    private void validate(BenchTarget target) throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(settings.examples)) {
            examples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        Set<String> seen = new LinkedHashSet<>();
        for (Path example : examples) {
            String body = Files.readString(example);
            JsonNode profile = json.readTree(body).path("meta").path("profile").path(0);
            if (profile.isMissingNode() || !seen.add(profile.asText())) {
                continue;
            }
            String type = json.readTree(body).path("resourceType").asText();
            String url = target.fhirBase() + "/" + type + "/$validate";
            for (int i = 0; i < (settings.smoke ? 1 : 5); i++) {
                time(post(url, "application/fhir+json", body), 200);
            }
            List<Double> samples = new ArrayList<>();
            for (int i = 0; i < settings.validateCalls; i++) {
                samples.add(time(post(url, "application/fhir+json", body), 200));
            }
            String id = profile.asText().substring(profile.asText().lastIndexOf('/') + 1);
            report.add(GROUP_VALIDATE, "$validate " + id, "ms", samples, "warm, " + example.getFileName());
        }
    }

    // ---- 4: $evaluate-resistance ----

    private void evaluate(BenchTarget target, List<String> patientIds) throws Exception {
        List<Double> samples = new ArrayList<>();
        int calls = Math.min(settings.evaluateCalls, patientIds.size());
        for (int i = 0; i < calls + Math.min(5, calls); i++) {
            String url = target.fhirBase() + "/" + patientIds.get(i % patientIds.size()) + "/$evaluate-resistance";
            double ms = time(post(url, "application/fhir+json", "{\"resourceType\":\"Parameters\"}"), 200);
            if (i >= Math.min(5, calls)) {
                samples.add(ms);
            }
        }
        report.add(GROUP_EVALUATE, "$evaluate-resistance, stored cohort patient", "ms", samples,
                "one call at a time, after 5 warm-up calls");
    }

    // ---- 5: CDS patient-view ----

    /** Patient-view requests for the synthetic patients {@link #storeCdsPatients} stored, with and without prefetch. */
    private record CdsRequests(List<String> withPrefetch, List<String> withoutPrefetch) {
        List<String> bodies(boolean prefetch) {
            return prefetch ? withPrefetch : withoutPrefetch;
        }
    }

    private CdsRequests storeCdsPatients(BenchTarget target) throws Exception {
        CdsRequests requests = new CdsRequests(new ArrayList<>(), new ArrayList<>());
        String run = UUID.randomUUID().toString().substring(0, 8);
        int patients = settings.smoke ? 2 : 16;
        for (int i = 0; i < patients; i++) {
            SyntheticRecord record = new SyntheticRecord("bench-" + run + "-" + i, settings.smoke ? 20 : 200);
            time(post(target.fhirBase(), "application/fhir+json",
                    fhirContext.newJsonParser().encodeResourceToString(record.transaction())), 200);
            requests.withPrefetch().add(CdsBenchmark.body(record.patientId(), record.prefetchJson(fhirContext)));
            requests.withoutPrefetch().add(CdsBenchmark.body(record.patientId(), null));
        }
        return requests;
    }

    private void cds(BenchTarget target) throws Exception {
        CdsBenchmark bench = new CdsBenchmark(target.baseUrl());
        CdsRequests requests = storeCdsPatients(target);
        for (boolean prefetch : new boolean[] {true, false}) {
            for (int clients : settings.cdsClients) {
                List<String> bodies = requests.bodies(prefetch);
                String label = (prefetch ? "prefetch sent" : "fetched from the store") + ", " + clients + " clients";
                List<Double> rate = new ArrayList<>();
                List<Double> p50 = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                List<Double> helloRate = new ArrayList<>();
                List<Double> ratio = new ArrayList<>();
                if (!settings.smoke) {
                    bench.measure("ici-resistance-patient-view", bodies, clients, 3); // warm-up window
                }
                for (int r = 0; r < settings.repeats; r++) {
                    CdsBenchmark.Result hello = bench.measure("hello", bodies, clients, settings.cdsSeconds);
                    CdsBenchmark.Result resistance =
                            bench.measure("ici-resistance-patient-view", bodies, clients, settings.cdsSeconds);
                    if (resistance.errors() > 0 || hello.errors() > 0) {
                        throw new IllegalStateException("CDS errors in " + label + ": " + resistance.errors()
                                + " resistance, " + hello.errors() + " hello");
                    }
                    rate.add(resistance.perSecond());
                    p50.add(resistance.p50());
                    p99.add(resistance.p99());
                    helloRate.add(hello.perSecond());
                    ratio.add(resistance.perSecond() / hello.perSecond());
                }
                String note = settings.repeats + " windows of " + settings.cdsSeconds + " s";
                report.add(GROUP_CDS, "resistance calls/s, " + label, "calls/s", rate, note);
                report.add(GROUP_CDS, "resistance p50, " + label, "ms", p50, note);
                report.add(GROUP_CDS, "resistance p99, " + label, "ms", p99, note);
                report.add(GROUP_CDS, "trivial service calls/s, " + label, "calls/s", helloRate, note);
                report.add(GROUP_CDS, "resistance / trivial throughput, " + label, "ratio", ratio, note);
            }
        }
    }

    // ---- 5b: CDS patient-view with client tokens (group cds-auth, not in the default run) ----

    /**
     * What checking CDS client tokens costs, on one database: a server without the check and one with it (a
     * client registered with an inline key set; each call a new ES384 token, so on PostgreSQL also a row in the
     * shared table of accepted token ids), the same synthetic patients on each.
     */
    private void cdsWithClientTokens(Path work, String database) throws Exception {
        String service = "ici-resistance-patient-view";
        Map<String, Double> medianWithout = new LinkedHashMap<>();
        for (boolean checked : new boolean[] {false, true}) {
            List<String> security = checked
                    ? List.of("--resistance.cds.security.enabled=true",
                            "--resistance.cds.security.clients[0].issuer=" + TestJwts.ISSUER,
                            "--resistance.cds.security.clients[0].jwks=" + TestJwts.trustedJwks())
                    : List.of("--resistance.cds.security.enabled=false");
            try (Database db = Database.start(database);
                    BenchTarget target = start(work, db, "all", security.toArray(String[]::new))) {
                CdsRequests requests = storeCdsPatients(target);
                CdsBenchmark bench = new CdsBenchmark(target.baseUrl());
                ClientTokens tokens = checked ? new ClientTokens(target.baseUrl() + "/cds-services/" + service) : null;
                for (boolean prefetch : new boolean[] {true, false}) {
                    for (int clients : settings.cdsClients) {
                        String label = database + ", " + (prefetch ? "prefetch sent" : "fetched from the store") + ", "
                                + clients + " clients";
                        List<Double> rate = new ArrayList<>();
                        List<Double> p50 = new ArrayList<>();
                        int expected = 2_000;
                        int signedLate = 0;
                        for (int r = settings.smoke ? 1 : 0; r <= settings.repeats; r++) { // r = 0: warm-up
                            if (tokens != null) {
                                tokens.prepare(expected);
                            }
                            CdsBenchmark.Result result = bench.measure(service, requests.bodies(prefetch), clients,
                                    r == 0 ? 3 : settings.cdsSeconds, tokens);
                            if (result.errors() > 0) {
                                throw new IllegalStateException(result.errors() + " CDS errors in " + label
                                        + (checked ? " with client tokens" : ""));
                            }
                            expected = (int) (result.perSecond() * settings.cdsSeconds * 1.5) + 200;
                            if (r > 0) {
                                rate.add(result.perSecond());
                                p50.add(result.p50());
                                signedLate += tokens == null ? 0 : tokens.signedLate();
                            }
                        }
                        String note = settings.repeats + " windows of " + settings.cdsSeconds + " s"
                                + (checked ? ", tokens signed before each window"
                                        + (signedLate > 0 ? " (" + signedLate + " during it)" : "") : "");
                        String tokensLabel = checked ? "tokens checked" : "no token check";
                        report.add(GROUP_CDS, "resistance calls/s, " + tokensLabel + ", " + label, "calls/s", rate,
                                note);
                        report.add(GROUP_CDS, "resistance p50, " + tokensLabel + ", " + label, "ms", p50, note);
                        double median = new Figure("", "", "", rate, null).median();
                        if (!checked) {
                            medianWithout.put(label, median);
                        } else {
                            report.add(GROUP_CDS, "calls/s with tokens checked / without, " + label, "ratio",
                                    List.of(median / medianWithout.get(label)), "medians of the two servers");
                        }
                    }
                }
            }
        }
    }

    // ---- 6: growth ----

    private void growth(BenchTarget target) throws Exception {
        long started = System.nanoTime();
        int stored = 0;
        long storedResources = 0;
        List<String> ids = new ArrayList<>();
        Map<Integer, Double> cdsMedian = new LinkedHashMap<>();
        int withinBudget = 0;
        int measured = 0;
        double lastStepDone = 0;
        for (int size : settings.growth) {
            while (stored < size) {
                int batch = Math.min(size - stored, 500);
                Loaded loaded = load(target, batch, settings.growthPatientsPerTransaction, "growth");
                ids.addAll(loaded.ids);
                storedResources += loaded.summary.resources();
                stored += batch;
            }
            List<Double> cds = new ArrayList<>();
            List<Double> search = new ArrayList<>();
            List<Double> codeSearch = new ArrayList<>();
            int calls = settings.smoke ? 3 : 40;
            for (int i = 0; i < calls + 5; i++) {
                String id = ids.get((int) ((i * 7919L) % ids.size()));
                String patient = id.substring(id.indexOf('/') + 1);
                double cdsMs = time(post(target.baseUrl() + "/cds-services/ici-resistance-patient-view",
                        "application/json", CdsBenchmark.body(patient, null)), 200);
                double searchMs = time(get(target.fhirBase() + "/Observation?subject=" + enc(id) + "&_count=100"), 200);
                double codeMs = time(get(target.fhirBase() + "/Observation?code=" + enc("http://loinc.org|97509-4")
                        + "&date=ge2023-01-01&_count=20"), 200);
                if (i >= 5) {
                    cds.add(cdsMs);
                    search.add(searchMs);
                    codeSearch.add(codeMs);
                }
            }
            double reachedAfter = (System.nanoTime() - started) / 1e9;
            String note = String.format(Locale.ROOT, "%,d patients stored (%,d resources), step done %.0f s after the growth "
                    + "began", stored, storedResources, reachedAfter);
            report.add(GROUP_GROWTH, "CDS patient-view (fetched), " + size + " patients", "ms", cds, note);
            report.add(GROUP_GROWTH, "search Observation?subject, " + size + " patients", "ms", search, note);
            report.add(GROUP_GROWTH, "search Observation?code&date, " + size + " patients", "ms", codeSearch, note);
            cdsMedian.put(size, new Figure("", "", "", cds, null).median());
            measured = size;
            lastStepDone = reachedAfter;
            // A step counts as fitting the budget only if it was loaded and measured within it.
            if (reachedAfter > settings.growthBudgetSeconds) {
                System.out.printf("growth: %,d patients done after %.0f s, over the %d s budget; stopping%n",
                        size, reachedAfter, settings.growthBudgetSeconds);
                break;
            }
            withinBudget = size;
        }
        int smallest = settings.growth.get(0);
        report.add(GROUP_GROWTH, "CDS median at " + measured + " / at " + smallest + " patients", "ratio",
                List.of(cdsMedian.get(measured) / cdsMedian.get(smallest)),
                String.format(Locale.ROOT, "largest size loaded and measured within the %d s budget: %,d patients; "
                        + "last step (%,d patients) done after %.0f s; growth server has validation and re-evaluation off, "
                        + "%d patients per transaction, to load faster",
                        settings.growthBudgetSeconds, withinBudget, measured, lastStepDone,
                        settings.growthPatientsPerTransaction));
    }

    // ---- HTTP ----

    /** Sends and records the wall time on this thread's stopwatch, read back by {@link #time}. */
    private HttpResponse<String> post(String url, String contentType, String body) throws Exception {
        return timed(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return timed(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).GET().build());
    }

    private HttpResponse<String> timed(HttpRequest request) throws Exception {
        Stopwatch stopwatch = TIMER.get();
        stopwatch.start = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        stopwatch.end = System.nanoTime();
        return response;
    }

    /** Checks the status of a response just received and returns its wall time in ms. */
    private double time(HttpResponse<String> response, int expected) {
        expect(response, expected);
        return TIMER.get().elapsedMillis();
    }

    private static void expect(HttpResponse<String> response, int expected) {
        if (response.statusCode() != expected) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri()
                    + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }

    private static final ThreadLocal<Stopwatch> TIMER = ThreadLocal.withInitial(Stopwatch::new);

    /** Wall time of the last request made on this thread. */
    private static final class Stopwatch {
        long start;
        long end;

        double elapsedMillis() {
            return (end - start) / 1e6;
        }
    }
}
