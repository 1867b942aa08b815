package org.resistancecds.cds.cards;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;
import org.resistancecds.conformance.ContentFile;
import org.resistancecds.conformance.ContentReader;

/** The override reasons the cards offer are the concepts of the published CodeSystem, in its order. */
class CardCodesTest {

    @Test
    void theOfferedOverrideReasonsAreTheCodeSystemsConcepts() {
        CodeSystem published = new ContentReader(FhirContext.forR4Cached()).read("terminology").stream()
                .map(ContentFile::resource)
                .filter(r -> r instanceof CodeSystem cs && CardCodes.OVERRIDE_REASON_SYSTEM.equals(cs.getUrl()))
                .map(CodeSystem.class::cast)
                .findFirst().orElseThrow();
        Map<String, String> concepts = new LinkedHashMap<>();
        published.getConcept().forEach(c -> concepts.put(c.getCode(), c.getDisplay()));

        assertThat(concepts).containsExactlyEntriesOf(CardCodes.OVERRIDE_REASONS);
    }
}
