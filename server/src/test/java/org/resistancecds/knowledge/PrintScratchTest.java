package org.resistancecds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.resistancecds.conformance.ContentReader;

class PrintScratchTest {
    @Test
    void print() throws Exception {
        ResistanceEvaluator engine = new KnowledgeEvaluator(Fixtures.knowledge());
        List<Resource> resources = new ArrayList<>();
        new ContentReader(FhirContext.forR4Cached()).read("examples/valid").forEach(f -> resources.add((Resource) f.resource()));
        Evaluation e = engine.evaluate(new EvaluationRequest("nsclc-ar-01", "patient-view", resources, List.of(), Fixtures.asOf("2024-06-01")));
        System.out.println("=== " + e.status().code());
        e.status().reasons().forEach(r -> System.out.println("  R " + r));
        e.mechanisms().forEach(m -> { System.out.println("  M " + m.code() + " " + m.confidence()); m.reasons().forEach(r -> System.out.println("     " + r)); });
        e.notes().forEach(n -> System.out.println("  N " + n));
        e.recommendations().forEach(r -> System.out.println("  A " + r.actionId() + " [" + r.evidenceLevel() + "] " + r.title()));
    }
}
