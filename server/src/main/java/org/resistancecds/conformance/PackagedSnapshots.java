package org.resistancecds.conformance;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profiles as the build packaged them, with the snapshots it generated: stored in their place, so a client or
 * validator that fetches a StructureDefinition from this server gets a snapshot, and the server generates none at
 * start. A profile whose differential is not the packaged one (a package built from other sources) stays as it is.
 */
final class PackagedSnapshots {

    private static final Logger log = LoggerFactory.getLogger(PackagedSnapshots.class);
    /** Where the build copies the package onto the classpath (also served at {@code /package/}). */
    static final String CLASSPATH_PACKAGE = "static/package/" + PackageWriter.fileName();

    private final Map<String, StructureDefinition> byFileName;

    private PackagedSnapshots(Map<String, StructureDefinition> byFileName) {
        this.byFileName = byFileName;
    }

    /** The packaged profiles, or none when the classpath holds no package (a build that stopped before it). */
    static PackagedSnapshots fromClasspath(FhirContext fhirContext) {
        InputStream in = PackagedSnapshots.class.getClassLoader().getResourceAsStream(CLASSPATH_PACKAGE);
        if (in == null) {
            log.warn("{} is not on the classpath: profiles are stored without snapshots", CLASSPATH_PACKAGE);
            return new PackagedSnapshots(Map.of());
        }
        Map<String, StructureDefinition> profiles = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                if (name.startsWith("StructureDefinition-") && name.endsWith(".json")) {
                    String json = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                    profiles.put(name, fhirContext.newJsonParser().parseResource(StructureDefinition.class, json));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + CLASSPATH_PACKAGE, e);
        }
        return new PackagedSnapshots(profiles);
    }

    /** The files, each profile replaced by its packaged form when that was built from the same differential. */
    List<ContentFile> applyTo(List<ContentFile> files) {
        return files.stream().map(this::withSnapshot).toList();
    }

    private ContentFile withSnapshot(ContentFile file) {
        if (!(file.resource() instanceof StructureDefinition source) || source.hasSnapshot()) {
            return file;
        }
        StructureDefinition packaged = byFileName.get("StructureDefinition-" + source.getIdElement().getIdPart() + ".json");
        if (packaged == null || !packaged.hasSnapshot()) {
            return file;
        }
        // Snapshot generation adds the snapshot and the base definition's mappings, nothing else.
        StructureDefinition generatedPartsRemoved = packaged.copy();
        generatedPartsRemoved.setSnapshot(null);
        if (!source.hasMapping()) {
            generatedPartsRemoved.setMapping(null);
        }
        if (!generatedPartsRemoved.equalsDeep(source)) {
            log.warn("{}: the packaged profile was built from another version of it; stored without a snapshot",
                    file.location());
            return file;
        }
        return new ContentFile(file.location(), packaged);
    }
}
