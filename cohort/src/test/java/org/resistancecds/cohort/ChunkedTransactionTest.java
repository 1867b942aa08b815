package org.resistancecds.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class ChunkedTransactionTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void referencedEntriesComeFirstAndLaterChunksUseTheAssignedIds() {
        // Written in the worst order: the Observation before its Encounter, the Encounter before its Patient.
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Observation observation = new Observation();
        observation.setSubject(new Reference("urn:uuid:p")).setEncounter(new Reference("urn:uuid:e"));
        Encounter encounter = new Encounter();
        encounter.setSubject(new Reference("urn:uuid:p"));
        add(bundle, "urn:uuid:o", observation);
        add(bundle, "urn:uuid:e", encounter);
        add(bundle, "urn:uuid:p", new Patient());

        ChunkedTransaction chunks = new ChunkedTransaction(FHIR, bundle, 1);
        List<String> order = new ArrayList<>();
        int id = 1;
        while (chunks.hasNext()) {
            Bundle chunk = chunks.nextChunk();
            assertEquals(1, chunk.getEntry().size());
            Bundle.BundleEntryComponent entry = chunk.getEntryFirstRep();
            order.add(entry.getFullUrl());
            for (var reference : FHIR.newTerser().getAllResourceReferences(entry.getResource())) {
                String target = reference.getResourceReference().getReferenceElement().getValue();
                assertFalse(target.startsWith("urn:uuid:"), "unresolved " + target + " in " + entry.getFullUrl());
            }
            Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
            response.addEntry().getResponse().setStatus("201 Created")
                    .setLocation(entry.getResource().fhirType() + "/" + id++ + "/_history/1");
            chunks.accept(chunk, response);
        }

        assertEquals(List.of("urn:uuid:p", "urn:uuid:e", "urn:uuid:o"), order);
        assertEquals("Patient/1", observation.getSubject().getReference());
        assertEquals("Encounter/2", observation.getEncounter().getReference());
        assertTrue(chunks.assignedIds().containsKey("urn:uuid:o"));
    }

    @Test
    void aSmallBundleIsOneChunk() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        add(bundle, "urn:uuid:p", new Patient());
        ChunkedTransaction chunks = new ChunkedTransaction(FHIR, bundle, 500);
        assertEquals(1, chunks.nextChunk().getEntry().size());
        assertFalse(chunks.hasNext());
    }

    private static void add(Bundle bundle, String fullUrl, Resource resource) {
        bundle.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
    }
}
