package org.resistancecds.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves the test harness itself: HL7's validator test cases for CDS Hooks (good and bad documents with the
 * outcomes the Java validator expects) must come out the same here, so a clean result on our responses means
 * something.
 */
class CdsHooksModelValidatorTest {

    private static final String BASE = "/cds-hooks/validator-test-cases/";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() throws IOException {
        JsonNode manifest = JSON.readTree(read(BASE + "manifest-cdshooks-subset.json"));
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode testCase : manifest.get("test-cases")) {
            JsonNode logical = testCase.get("logical");
            String model = logical.get("format").asText();
            if (!model.equals(CdsHooksModelValidator.RESPONSE) && !model.equals(CdsHooksModelValidator.SERVICES)) {
                // Requests pick their context model by hook, which this validator version does not switch on;
                // we validate what we send (responses, discovery), not what we receive.
                continue;
            }
            String file = testCase.get("file").asText().replaceFirst("^.*/", "");
            String expectedFile = logical.get("java").asText().replace("java/", "expected-outcomes-java-R4/");
            JsonNode expected = JSON.readTree(read(BASE + expectedFile));
            List<String> expectedErrors = new ArrayList<>();
            for (JsonNode issue : expected.path("issue")) {
                String severity = issue.path("severity").asText();
                if (severity.equals("error") || severity.equals("fatal")) {
                    expectedErrors.add(issue.path("details").path("text").asText());
                }
            }
            cases.add(Arguments.of(file, model, expectedErrors));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validatorAgreesWithHl7ExpectedOutcome(String file, String model, List<String> expectedErrors)
            throws IOException {
        List<String> errors = CdsHooksModelValidator.get().errors(read(BASE + "inputs/" + file), model);

        if (expectedErrors.isEmpty()) {
            assertThat(errors).as(file).isEmpty();
            return;
        }
        assertThat(errors).as(file).isNotEmpty();
        if (file.contains("extensions")) {
            // This validator release rejects an unknown 'extension' object as a whole; newer ones name each
            // property inside it. Both reject the document; we send no extensions.
            return;
        }
        assertThat(errors).as(file).hasSameSizeAs(expectedErrors);
        for (String expected : expectedErrors) {
            // HL7's texts carry the model version, which differs between tool releases; compare the lead.
            String lead = expected.substring(0, Math.min(40, expected.length()));
            assertThat(errors).as(file).anySatisfy(error -> assertThat(error).contains(lead));
        }
    }

    static String read(String path) throws IOException {
        try (InputStream in = CdsHooksModelValidatorTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
