package org.resistancecds.conformance;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackageIndexBuilder;

/**
 * Writes {@code profiles/}, {@code terminology/} and {@code knowledge/} as a FHIR NPM package ({@code .tgz}),
 * profiles with generated snapshots, so the HL7 validator and other servers can use our content without
 * this server. The build runs it in the {@code package} phase; the first argument is the output folder.
 */
public final class PackageWriter {

    public static final String NAME = "resistance-cds.fhir";
    public static final String VERSION = "0.1.0";
    public static final String CANONICAL = "https://resistance-cds.org/fhir";
    public static final List<String> FOLDERS = List.of("terminology", "profiles", "knowledge");

    private static final String FHIR_VERSION = "4.0.1";
    private static final String GENOMICS_REPORTING = "hl7.fhir.uv.genomics-reporting";
    private static final String GENOMICS_REPORTING_VERSION = "2.0.0";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final FhirContext fhirContext;
    private final ContentReader reader;

    public PackageWriter(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
        this.reader = new ContentReader(fhirContext);
    }

    /** Writes the package into the first folder and copies it into the others (the server serves one copy). */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: PackageWriter <output folder> [<copy folder>...]");
        }
        Path written = new PackageWriter(FhirContext.forR4()).write(Path.of(args[0]));
        System.out.println("FHIR package written: " + written);
        for (int i = 1; i < args.length; i++) {
            Path copy = Files.createDirectories(Path.of(args[i])).resolve(written.getFileName());
            Files.copy(written, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            System.out.println("FHIR package copied: " + copy);
        }
    }

    /** The package's file name, {@code <name>-<version>.tgz}. */
    public static String fileName() {
        return NAME + "-" + VERSION + ".tgz";
    }

    /**
     * Writes the package into the folder and returns its path. Fails, writing nothing, when a profile's
     * snapshot cannot be generated cleanly: a package with a broken profile is worse than none.
     */
    public Path write(Path folder) throws IOException {
        Map<String, byte[]> resources = packagedResources();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", manifest());
        entries.put("package/.index.json", index(resources));
        resources.forEach((name, bytes) -> entries.put("package/" + name, bytes));

        Files.createDirectories(folder);
        Path target = folder.resolve(fileName());
        Path partial = folder.resolve(fileName() + ".part");
        try (OutputStream file = Files.newOutputStream(partial);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                TarArchiveEntry header = new TarArchiveEntry(entry.getKey());
                header.setSize(entry.getValue().length);
                tar.putArchiveEntry(header);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
        }
        // Rename at the end, so a failed build never leaves a truncated package under the final name.
        Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** File name to JSON of every packaged resource, profiles replaced by their snapshot-bearing form. */
    Map<String, byte[]> packagedResources() {
        List<ContentFile> files = new ArrayList<>();
        FOLDERS.forEach(folder -> files.addAll(reader.read(folder)));
        OfflineValidator validator =
                OfflineValidator.of(fhirContext, files.stream().map(ContentFile::resource).toList());

        Map<String, byte[]> result = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (ContentFile file : files) {
            IBaseResource resource = file.resource();
            if (resource instanceof StructureDefinition differential) {
                OfflineValidator.SnapshotResult snapshot = validator.generateSnapshot(differential);
                snapshot.errors().forEach(e -> problems.add(file.location() + ": " + e));
                resource = snapshot.structureDefinition();
            }
            String name = resource.fhirType() + "-" + resource.getIdElement().getIdPart() + ".json";
            String json = fhirContext.newJsonParser().setPrettyPrint(true).encodeResourceToString(resource);
            result.put(name, json.getBytes(StandardCharsets.UTF_8));
        }
        if (!problems.isEmpty()) {
            throw new ContentLoadException("Snapshot generation failed:\n" + String.join("\n", problems));
        }
        return result;
    }

    private byte[] manifest() {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("name", NAME);
        manifest.put("version", VERSION);
        manifest.put("canonical", CANONICAL);
        manifest.put("url", CANONICAL);
        manifest.put("title", "Resistance CDS Server conformance content");
        manifest.put(
                "description",
                "Profiles, terminology and knowledge for acquired resistance to PD-1/PD-L1 inhibitors in NSCLC.");
        manifest.put("type", "fhir.ig");
        manifest.putArray("fhirVersions").add(FHIR_VERSION);
        // Genomics Reporting 2.0.0 (the shape mCODE STU4 builds on) holds the code of the molecular-consequence
        // component slice, which the variant profile names.
        manifest.putObject("dependencies").put("hl7.fhir.r4.core", FHIR_VERSION)
                .put(GENOMICS_REPORTING, GENOMICS_REPORTING_VERSION);
        manifest.put("author", "Resistance CDS Server project");
        try {
            return JSON.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] index(Map<String, byte[]> resources) {
        // The HL7 builder writes the same .index.json the IG publisher does (no database: no folder given).
        NpmPackageIndexBuilder builder = new NpmPackageIndexBuilder();
        builder.start(null);
        resources.forEach(builder::seeFile);
        try {
            ObjectNode index = (ObjectNode) JSON.readTree(builder.build());
            // The builder copies any resource's "type" element; the index means a StructureDefinition's type only
            // (an OperationDefinition's boolean came out as "false", a PlanDefinition's CodeableConcept as "{").
            index.withArray("files").forEach(file -> {
                if (!"StructureDefinition".equals(file.path("resourceType").asText())) {
                    ((ObjectNode) file).remove("type");
                }
            });
            return JSON.writeValueAsBytes(index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
