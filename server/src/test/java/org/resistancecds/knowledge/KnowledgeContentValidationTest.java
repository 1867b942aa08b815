package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.resistancecds.conformance.ContentFile;
import org.resistancecds.conformance.ContentReader;
import org.resistancecds.conformance.OfflineValidator;

/** The engine's own content (knowledge/ and its two ConceptMaps) validates against R4 and our terminology. */
class KnowledgeContentValidationTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void knowledgeResourcesHaveNoValidationErrors() {
        OfflineValidator validator = OfflineValidator.fromClasspath(FHIR);
        ContentReader reader = new ContentReader(FHIR);
        List<ContentFile> files = new ArrayList<>(reader.read("knowledge"));
        reader.read("terminology").stream()
                .filter(f -> f.location().endsWith("ConceptMap-gene-to-mechanism.json")
                        || f.location().endsWith("ConceptMap-finding-to-mechanism.json"))
                .forEach(files::add);
        assertThat(files).hasSizeGreaterThan(10);
        for (ContentFile file : files) {
            List<String> errors = validator.validate(file.resource()).getMessages().stream()
                    .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                    .map(SingleValidationMessage::toString)
                    .toList();
            assertThat(errors).as(file.location()).isEmpty();
        }
    }
}
