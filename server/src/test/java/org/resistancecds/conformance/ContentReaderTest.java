package org.resistancecds.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;

/** Content files are read strictly: a broken or misnamed file fails with a message naming it. */
class ContentReaderTest {

    private final ContentReader reader = new ContentReader(FhirContext.forR4Cached());

    @Test
    void parsesAWellNamedFile() {
        ContentFile file = reader.parse("terminology/CodeSystem-demo.json",
                file("CodeSystem-demo.json", "{\"resourceType\":\"CodeSystem\",\"id\":\"demo\",\"status\":\"draft\",\"content\":\"complete\"}"));

        assertThat(file.resourceType()).isEqualTo("CodeSystem");
        assertThat(file.resource().getIdElement().getIdPart()).isEqualTo("demo");
    }

    @Test
    void failsOnJsonThatIsNotFhir() {
        assertThatThrownBy(() -> reader.parse("terminology/CodeSystem-demo.json",
                        file("CodeSystem-demo.json", "{\"resourceType\":\"CodeSystem\",\"id\":\"demo\",\"statuz\":\"draft\"}")))
                .isInstanceOf(ContentLoadException.class)
                .hasMessageStartingWith("terminology/CodeSystem-demo.json: does not parse")
                .hasMessageContaining("statuz");
    }

    @Test
    void failsWhenTheIdDoesNotMatchTheFileName() {
        assertThatThrownBy(() -> reader.parse("terminology/CodeSystem-demo.json",
                        file("CodeSystem-demo.json", "{\"resourceType\":\"CodeSystem\",\"id\":\"other\",\"status\":\"draft\",\"content\":\"complete\"}")))
                .isInstanceOf(ContentLoadException.class)
                .hasMessageContaining("holds CodeSystem/other but the file name says CodeSystem/demo");
    }

    @Test
    void failsOnAFileNameWithoutTypeAndId() {
        assertThatThrownBy(() -> reader.parse("profiles/profile.json", file("profile.json", "{}")))
                .isInstanceOf(ContentLoadException.class)
                .hasMessageContaining("{ResourceType}-{id}.json");
    }

    @Test
    void readsFoldersInDependencyOrder() {
        List<String> types = reader.read("terminology").stream().map(ContentFile::resourceType).distinct().toList();

        assertThat(types).containsSubsequence("CodeSystem", "ValueSet", "ConceptMap");
    }

    private static ByteArrayResource file(String name, String json) {
        return new ByteArrayResource(json.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }
}
