package org.resistancecds.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * The shipped Synthea sample ({@code examples/cohort-synthea/}, one NSCLC patient made by
 * {@code cohort/synthea/generate.sh} and enriched): the enrichment is attached to Synthea's Patient, and split into
 * transactions of 500 entries no chunk refers by {@code urn:uuid} to an entry of a later chunk.
 */
class SyntheaSampleTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Path SAMPLE = Path.of("..", "examples", "cohort-synthea");

    @Test
    void theEnrichedSyntheaPatientSplitsIntoChunksWhoseReferencesAllResolve() throws Exception {
        List<Path> files = CohortCli.bundleFiles(List.of(SAMPLE));
        Path patientFile = files.stream()
                .filter(p -> !p.getFileName().toString().startsWith("hospital"))
                .filter(p -> !p.getFileName().toString().startsWith("practitioner"))
                .findFirst().orElseThrow();
        Bundle bundle = CohortCli.read(FHIR, patientFile);
        String patientUrl = bundle.getEntry().stream()
                .filter(e -> "Patient".equals(e.getResource().fhirType()))
                .map(Bundle.BundleEntryComponent::getFullUrl).findFirst().orElseThrow();
        assertTrue(bundle.getEntry().size() > 1000, "a Synthea-sized record");
        assertTrue(Files.readString(SAMPLE.resolve("cohort-manifest.json")).contains("expectedStatus"));

        Set<String> allUrls = new HashSet<>();
        bundle.getEntry().forEach(e -> allUrls.add(e.getFullUrl()));
        ChunkedTransaction chunks = new ChunkedTransaction(FHIR, bundle, 500);
        Set<String> sent = new HashSet<>();
        int id = 0;
        int chunkCount = 0;
        boolean enrichmentPointsAtSyntheaPatient = false;
        while (chunks.hasNext()) {
            Bundle chunk = chunks.nextChunk();
            chunkCount++;
            Set<String> inChunk = new HashSet<>();
            chunk.getEntry().forEach(e -> inChunk.add(e.getFullUrl()));
            Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
            for (Bundle.BundleEntryComponent entry : chunk.getEntry()) {
                for (var reference : FHIR.newTerser().getAllResourceReferences(entry.getResource())) {
                    String target = reference.getResourceReference().getReferenceElement().getValue();
                    if (target != null && target.startsWith("urn:uuid:")) {
                        assertTrue(inChunk.contains(target), "forward reference to " + target);
                    }
                    // Our resources claim our profiles; Synthea's claim US Core.
                    boolean ours = entry.getResource().getMeta().getProfile().stream()
                            .anyMatch(p -> p.getValue().startsWith("https://resistance-cds.org/"));
                    if (ours && target != null && target.equals(chunks.assignedIds().get(patientUrl))) {
                        enrichmentPointsAtSyntheaPatient = true;
                    }
                }
                response.addEntry().getResponse().setLocation(entry.getResource().fhirType() + "/" + id++);
            }
            chunks.accept(chunk, response);
            sent.addAll(inChunk);
        }
        assertEquals(allUrls, sent);
        assertTrue(chunkCount >= 3);
        assertTrue(enrichmentPointsAtSyntheaPatient, "our ICI resources refer to Synthea's Patient");
    }
}
