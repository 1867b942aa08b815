package org.resistancecds.cohort;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Command line of the cohort module.
 *
 * <pre>
 * generate --out DIR [--patients 100] [--seed 42] [--vital-signs 20]      our base patients, enriched
 * enrich   --synthea DIR --out DIR [--seed 42] [--as-of 2026-12-01]        Synthea output, enriched
 * load     --url FHIR_BASE [--clients 4] [--max-entries 500] DIR|FILE...   into a running server
 * </pre>
 * {@code load} sends {@code FHIR_TOKEN} from the environment, when set, as the bearer access token.
 *
 * Bundles are written as {@code .json.gz} with a {@code cohort-manifest.json} (archetype, evaluation date and
 * expected result per patient). {@code load} sends Synthea's hospital and practitioner Bundles first, since
 * patients refer to them conditionally; it exits with 1 if any Bundle failed.
 */
public final class CohortCli {

    private CohortCli() {}

    /** Exit code of a command line that names no known command. */
    static final int USAGE = 2;

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command and returns the exit code. No command, an unknown one or {@code help}: the usage, and exit 2
     * unless help was asked for (a mistyped command used to print the usage on stdout and exit 0, which a script
     * took for success).
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            boolean help = args.length > 0 && HELP.contains(args[0]);
            if (args.length > 0 && !help) {
                err.println("Unknown command '" + args[0] + "'.");
            }
            (help ? out : err).println(USAGE_TEXT);
            return help ? 0 : USAGE;
        }
        Options options = new Options(args);
        FhirContext fhirContext = FhirContext.forR4Cached();
        try {
            switch (args[0]) {
                case "generate" -> generate(fhirContext, options);
                case "enrich" -> enrich(fhirContext, options);
                default -> {
                    return load(fhirContext, options) ? 0 : 1;
                }
            }
        } catch (IllegalArgumentException badOption) {
            // A missing --out or --url, or a number that is none, was a stack trace.
            err.println(args[0] + ": " + badOption.getMessage() + "\n\n" + USAGE_TEXT);
            return USAGE;
        }
        return 0;
    }

    private static final Set<String> COMMANDS = Set.of("generate", "enrich", "load");
    private static final Set<String> HELP = Set.of("help", "--help", "-h");

    private static void generate(FhirContext fhirContext, Options options) throws IOException {
        Path out = Path.of(options.required("--out"));
        int patients = options.integer("--patients", 100);
        int vitalSigns = options.integer("--vital-signs", 20);
        CohortGenerator generator = new CohortGenerator(fhirContext, CohortDesign.load(), options.integer("--seed", 42));
        Files.createDirectories(out);
        List<Map<String, Object>> manifest = new ArrayList<>();
        long resources = 0;
        for (int i = 0; i < patients; i++) {
            CohortPatient patient = generator.patient(i, vitalSigns);
            String file = String.format("patient-%05d.json.gz", i);
            write(fhirContext, patient.transaction(), out.resolve(file));
            manifest.add(manifestRow(file, patient));
            resources += patient.resourceCount();
        }
        writeManifest(out, manifest);
        System.out.printf("Wrote %d patients, %,d resources, to %s%n", patients, resources, out);
    }

    private static void enrich(FhirContext fhirContext, Options options) throws IOException {
        Path synthea = Path.of(options.required("--synthea"));
        Path out = Path.of(options.required("--out"));
        LocalDate asOf = LocalDate.parse(options.value("--as-of", "2026-12-01"));
        CohortGenerator generator = new CohortGenerator(fhirContext, CohortDesign.load(), options.integer("--seed", 42));
        Files.createDirectories(out);
        List<Path> files = bundleFiles(List.of(synthea));
        List<Map<String, Object>> manifest = new ArrayList<>();
        int index = 0;
        for (Path file : files) {
            Bundle bundle = read(fhirContext, file);
            String name = file.getFileName().toString().replaceFirst("\\.json(\\.gz)?$", "") + ".json.gz";
            boolean hasPatient = bundle.getEntry().stream()
                    .anyMatch(e -> e.getResource() != null && "Patient".equals(e.getResource().fhirType()));
            if (hasPatient) {
                CohortPatient patient = generator.enrichSynthea(bundle, index++, asOf);
                manifest.add(manifestRow(name, patient));
            }
            write(fhirContext, bundle, out.resolve(name));
        }
        writeManifest(out, manifest);
        System.out.printf("Enriched %d Synthea patients (%d files) into %s%n", index, files.size(), out);
    }

    private static boolean load(FhirContext fhirContext, Options options) throws InterruptedException, IOException {
        List<Path> files = bundleFiles(options.positional().stream().map(Path::of).toList());
        // The token comes from the environment, not the command line, where other users of the machine could read it.
        CohortLoader loader = new CohortLoader(fhirContext, options.required("--url"),
                options.integer("--clients", 4), options.integer("--max-entries", 500), System.err,
                System.getenv("FHIR_TOKEN"));
        boolean ok = true;
        for (LoadSummary summary : loadFiles(fhirContext, loader, files)) {
            System.out.println(summary.describe());
            ok &= summary.failures().isEmpty();
        }
        return ok;
    }

    /**
     * Loads Bundle files: Synthea's shared hospital and practitioner Bundles first (patients refer to them by
     * conditional reference), then the rest. Returns one summary per phase, the patients' last.
     */
    public static List<LoadSummary> loadFiles(FhirContext fhirContext, CohortLoader loader, List<Path> files)
            throws InterruptedException {
        List<CohortLoader.Source> sources = files.stream()
                .map(file -> new CohortLoader.Source(file.getFileName().toString(), () -> read(fhirContext, file)))
                .toList();
        List<CohortLoader.Source> shared = sources.stream().filter(CohortCli::isShared).toList();
        List<CohortLoader.Source> rest = sources.stream().filter(s -> !isShared(s)).toList();
        List<LoadSummary> summaries = new ArrayList<>();
        if (!shared.isEmpty()) {
            summaries.add(loader.load(shared));
        }
        summaries.add(loader.load(rest));
        return summaries;
    }

    private static boolean isShared(CohortLoader.Source source) {
        return source.name().startsWith("hospitalInformation") || source.name().startsWith("practitionerInformation");
    }

    public static List<Path> bundleFiles(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> list = Files.list(path)) {
                    list.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".json.gz"))
                            .filter(p -> !p.getFileName().toString().equals("cohort-manifest.json"))
                            .sorted(Comparator.comparing(Path::toString))
                            .forEach(files::add);
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                // Was counted as a bundle that failed with "no answer", which pointed at the server.
                throw new IllegalArgumentException("no file or folder at " + path.toAbsolutePath().normalize());
            }
        }
        return files;
    }

    static Bundle read(FhirContext fhirContext, Path file) {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return fhirContext.newJsonParser().parseResource(Bundle.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(FhirContext fhirContext, Bundle bundle, Path file) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(fhirContext.newJsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Map<String, Object> manifestRow(String file, CohortPatient patient) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("file", file);
        row.put("key", patient.key());
        row.put("scenario", patient.archetype().scenario());
        row.put("asOf", patient.asOf().toString());
        row.put("agent", patient.agent() == null ? null : patient.agent().getDisplay());
        row.put("resources", patient.resourceCount());
        row.put("expectedStatus", patient.archetype().expectedStatus());
        row.put("expectedMechanisms", patient.archetype().expectedMechanisms());
        return row;
    }

    private static void writeManifest(Path out, List<Map<String, Object>> rows) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("cohort-manifest.json").toFile(), Map.of("patients", rows));
    }

    private static final String USAGE_TEXT = """
                usage:
                  generate --out DIR [--patients 100] [--seed 42] [--vital-signs 20]
                  enrich   --synthea DIR --out DIR [--seed 42] [--as-of 2026-12-01]
                  load     --url FHIR_BASE [--clients 4] [--max-entries 500] DIR|FILE...
                           (FHIR_TOKEN in the environment: the access token for a server with access control on)""";

    /** {@code --name value} pairs after the command, and the remaining positional arguments. */
    private static final class Options {
        private final Map<String, String> named = new LinkedHashMap<>();
        private final List<String> positional = new ArrayList<>();

        Options(String[] args) {
            for (int i = 1; i < args.length; i++) {
                if (args[i].startsWith("--") && i + 1 < args.length) {
                    named.put(args[i], args[++i]);
                } else {
                    positional.add(args[i]);
                }
            }
        }

        String value(String name, String fallback) {
            return named.getOrDefault(name, fallback);
        }

        String required(String name) {
            String value = named.get(name);
            if (value == null) {
                throw new IllegalArgumentException(name + " is required.");
            }
            return value;
        }

        int integer(String name, int fallback) {
            String value = value(name, String.valueOf(fallback));
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, but was '" + value + "'.");
            }
        }

        List<String> positional() {
            return positional;
        }
    }
}
