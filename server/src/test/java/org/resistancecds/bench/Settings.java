package org.resistancecds.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The harness's options ({@code --name value}); {@code --smoke} sets tiny sizes for the CI smoke run. */
final class Settings {

    boolean smoke;
    int repeats = 3;
    int ingestPatients = 100;
    /**
     * Patients loaded before the ingest is timed, so the figure is of a warmed-up server: after 40 (about 1,100
     * resources) the JIT was still compiling the validator and took a quarter of the CPU, and validated ingest
     * measured 72-92 resources/s; after 200, 162-199, with the JIT still compiling 500-900 methods per further
     * 100 patients (jstat -compiler) and taking 23 % of the CPU; after 1,000, 258-343.
     */
    int ingestWarmup = 1000;
    int vitalSigns = 20;
    int clients = 4;
    int maxEntries = 500;
    long seed = 42;
    List<Integer> growth = List.of(100, 1000, 10000);
    int growthBudgetSeconds = 900;
    int growthPatientsPerTransaction = 10;
    int cdsSeconds = 5;
    int[] cdsClients = {1, 4, 16};
    int validateCalls = 30;
    int evaluateCalls = 50;
    String heap = "1g";
    Set<String> groups = Set.of("startup", "ingest", "validate", "evaluate", "cds", "growth");
    List<String> databases = List.of("h2", "postgres");
    /**
     * Validation modes the ingest group compares, one server each, loaded in turn; {@code off} is the base of
     * the cost figures. {@code claimed} (only resources claiming our profiles) can be added to see the cost of
     * what the issue requires beside that of the default {@code all}.
     */
    List<String> ingestModes = List.of("all", "off");
    Path jar = Path.of("server/target/resistance-cds-server.jar");
    Path examples = Path.of("examples/valid");
    Path out = Path.of("bench/results.json");

    static Settings parse(String[] args) {
        Settings s = new Settings();
        List<String> list = Arrays.asList(args);
        if (list.contains("--smoke")) {
            s.smoke = true;
            s.repeats = 1;
            s.ingestPatients = 3;
            s.ingestWarmup = 1;
            s.growthPatientsPerTransaction = 2;
            s.vitalSigns = 2;
            s.clients = 2;
            s.growth = List.of(2, 4);
            s.growthBudgetSeconds = 60;
            s.cdsSeconds = 1;
            s.cdsClients = new int[] {2};
            s.validateCalls = 2;
            s.evaluateCalls = 3;
        }
        for (int i = 0; i < args.length - 1; i++) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--repeats" -> s.repeats = Integer.parseInt(value);
                case "--patients" -> s.ingestPatients = Integer.parseInt(value);
                case "--vital-signs" -> s.vitalSigns = Integer.parseInt(value);
                case "--clients" -> s.clients = Integer.parseInt(value);
                case "--max-entries" -> s.maxEntries = Integer.parseInt(value);
                case "--seed" -> s.seed = Long.parseLong(value);
                case "--growth" -> s.growth = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "--growth-budget" -> s.growthBudgetSeconds = Integer.parseInt(value);
                case "--growth-per-transaction" -> s.growthPatientsPerTransaction = Integer.parseInt(value);
                case "--ingest-warmup" -> s.ingestWarmup = Integer.parseInt(value);
                case "--cds-seconds" -> s.cdsSeconds = Integer.parseInt(value);
                case "--cds-clients" -> s.cdsClients = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                case "--validate-calls" -> s.validateCalls = Integer.parseInt(value);
                case "--evaluate-calls" -> s.evaluateCalls = Integer.parseInt(value);
                case "--heap" -> s.heap = value;
                case "--groups" -> s.groups = Set.of(value.split(","));
                case "--databases" -> s.databases = List.of(value.split(","));
                case "--ingest-modes" -> s.ingestModes = List.of(value.split(","));
                case "--jar" -> s.jar = Path.of(value);
                case "--examples" -> s.examples = Path.of(value);
                case "--out" -> s.out = Path.of(value);
                default -> { }
            }
        }
        if (!Files.isDirectory(s.examples) && Files.isDirectory(Path.of("..").resolve(s.examples))) {
            s.examples = Path.of("..").resolve(s.examples); // run from server/ (Failsafe's working directory)
        }
        return s;
    }

    Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("smoke", smoke);
        map.put("repeats", repeats);
        map.put("ingestPatients", ingestPatients);
        map.put("vitalSignsPerPatient", vitalSigns);
        map.put("loadClients", clients);
        map.put("seed", seed);
        map.put("growth", growth);
        map.put("growthBudgetSeconds", growthBudgetSeconds);
        map.put("growthPatientsPerTransaction", growthPatientsPerTransaction);
        map.put("ingestWarmupPatients", ingestWarmup);
        map.put("cdsSeconds", cdsSeconds);
        map.put("cdsClients", Arrays.stream(cdsClients).boxed().toList());
        map.put("heap", heap);
        map.put("groups", groups);
        map.put("databases", databases);
        map.put("ingestModes", ingestModes);
        map.put("cpus", Runtime.getRuntime().availableProcessors());
        map.put("java", System.getProperty("java.version"));
        return map;
    }
}
