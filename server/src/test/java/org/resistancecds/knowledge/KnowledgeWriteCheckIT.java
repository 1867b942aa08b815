package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractOpenServerIT;

/**
 * Knowledge changed through the API is refused (422, nothing stored) when the knowledge would no longer compile:
 * a condition that does not parse, an ActivityDefinition deleted while a PlanDefinition still uses it. None of
 * these tests stores a change, so the knowledge the other tests of this server see stays as packaged.
 */
class KnowledgeWriteCheckIT extends AbstractOpenServerIT {

    private static final String STRATEGIES = "/fhir/PlanDefinition/acquired-resistance-strategies";

    @Test
    void aPlanDefinitionWhoseConditionDoesNotParseIsRefusedAndNotStored() throws Exception {
        HttpResponse<String> before = get(STRATEGIES);
        String plan = before.body();
        String broken = plan.replaceFirst("%statusCode = 'acquired-resistance'", "%statusCode = ('acquired-resistance'");
        assertThat(broken).isNotEqualTo(plan);

        HttpResponse<String> refused = putJson(STRATEGIES, broken);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("would not compile", "acquired-resistance-strategies");
        assertThat(get(STRATEGIES).headers().firstValue("ETag")).isEqualTo(before.headers().firstValue("ETag"));
        // The stored knowledge as it is passes the check: the same resource again is answered as usual.
        assertThat(putJson(STRATEGIES, plan).statusCode()).isEqualTo(200);
    }

    @Test
    void deletingAnActivityDefinitionAPlanDefinitionUsesIsRefused() throws Exception {
        String path = "/fhir/ActivityDefinition/ctdna-resistance-panel";

        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("ctdna-resistance-panel");
        assertThat(get(path).statusCode()).isEqualTo(200);
    }
}
