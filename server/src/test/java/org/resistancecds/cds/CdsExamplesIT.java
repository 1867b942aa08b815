package org.resistancecds.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request in the CDS Hooks specification's examples and the hook library's context examples gets an
 * answer that is not a server error (the examples name patients and servers this server does not have, so
 * 400 and 412 are expected; what matters is that none of them breaks the service).
 */
class CdsExamplesIT extends AbstractCdsIT {

    static Stream<Arguments> examples() throws Exception {
        List<Arguments> examples = new ArrayList<>();
        for (String file : List.of("001-request-patient-view.json", "025-extension-request-example.json")) {
            examples.add(Arguments.of("spec " + file, read("spec-examples/" + file)));
        }
        for (String file : List.of("patient-view-context-1.json", "patient-view-context-2.json", "order-select-r4.json",
                "order-select-stu3.json", "order-select-dstu2.json", "order-sign-r4.json", "order-sign-stu3.json")) {
            // The hook library gives contexts only: wrap each in a request for its hook.
            JsonNode example = JSON.readTree(read("hook-library-examples/" + file));
            ObjectNode request = JSON.createObjectNode();
            request.put("hook", file.substring(0, file.indexOf(file.startsWith("patient") ? "-context" : "-", 6)));
            request.put("hookInstance", UUID.randomUUID().toString());
            request.set("context", example.get("context"));
            examples.add(Arguments.of("hook library " + file, request.toString()));
        }
        return examples.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void answeredWithoutServerError(String name, String body) throws Exception {
        String hook = JSON.readTree(body).path("hook").asText();
        HttpResponse<String> response = callService("ici-resistance-" + hook, body);

        assertThat(response.statusCode()).as(name + ": " + response.body()).isLessThan(500);
        if (response.statusCode() != 200) {
            assertErrorBody(response, response.statusCode());
        }
    }

    private static String read(String path) throws Exception {
        return CdsHooksModelValidatorTest.read("/cds-hooks/" + path);
    }
}
