package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractOpenServerIT;

/**
 * Knowledge changed through the API is refused (422, nothing stored) when the knowledge would no longer compile:
 * a condition that does not parse or gives no boolean, an ActivityDefinition deleted while a PlanDefinition still
 * uses it. Changes that do compile are made, also when one transaction carries resources that need each other.
 * The one change stored here is a strategy whose condition is never true, removed again in the same test, so the
 * knowledge the other tests of this server see answers as packaged.
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
    void aConditionThatGivesNoBooleanIsRefused() throws Exception {
        String plan = get(STRATEGIES).body();
        String notBoolean = plan.replaceFirst("\"%statusCode = 'acquired-resistance'\"", "\"%statusCode\"");
        assertThat(notBoolean).isNotEqualTo(plan);

        HttpResponse<String> refused = putJson(STRATEGIES, notBoolean);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("must give one boolean", "%statusCode");
    }

    /**
     * A condition that compiles but fails on some records (single() of a patient's two mechanisms) was stored, and
     * every evaluation and CDS call for such a patient then failed with a 500.
     */
    @Test
    void aConditionThatFailsOnAPackagedScenarioIsRefused() throws Exception {
        HttpResponse<String> before = get(STRATEGIES);
        String failing = before.body().replaceFirst("\"%statusCode = 'acquired-resistance'\"",
                "\"%statusCode = 'acquired-resistance' and %mechanisms.single().exists()\"");
        assertThat(failing).isNotEqualTo(before.body());

        HttpResponse<String> refused = putJson(STRATEGIES, failing);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("the engine fails on the packaged scenario", "single()");
        assertThat(get(STRATEGIES).headers().firstValue("ETag")).isEqualTo(before.headers().firstValue("ETag"));
    }

    @Test
    void aTransactionMayAddAPlanDefinitionWithTheActivityDefinitionItUsesAndRemoveBoth() throws Exception {
        ActivityDefinition activity = newActivity();
        PlanDefinition plan = newPlanUsing(activity);

        // The plan comes first: the entries are checked together, once the Bundle has been processed.
        HttpResponse<String> added = post(bundle(Bundle.BundleType.TRANSACTION, plan, activity));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);

        Bundle remove = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (String url : List.of("ActivityDefinition/write-check-panel", "PlanDefinition/write-check")) {
            remove.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl(url);
        }
        HttpResponse<String> removed = post(remove);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(get("/fhir/PlanDefinition/write-check").statusCode()).isEqualTo(410);
        assertThat(get("/fhir/ActivityDefinition/write-check-panel").statusCode()).isEqualTo(410);
    }

    @Test
    void aTransactionOrBatchEntryWhosePlanDefinitionNeedsAnActivityDefinitionNotThereIsRefused() throws Exception {
        PlanDefinition plan = newPlanUsing(newActivity());
        plan.setId("write-check-alone");
        plan.setUrl(KnowledgeCodes.BASE + "/PlanDefinition/write-check-alone");

        HttpResponse<String> transaction = post(bundle(Bundle.BundleType.TRANSACTION, plan));
        assertThat(transaction.statusCode()).as(transaction.body()).isEqualTo(422);
        assertThat(transaction.body()).contains("write-check-panel is not a loaded ActivityDefinition");

        HttpResponse<String> batch = post(bundle(Bundle.BundleType.BATCH, plan));
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        Bundle answer = fhirContext.newJsonParser().parseResource(Bundle.class, batch.body());
        assertThat(answer.getEntryFirstRep().getResponse().getStatus()).startsWith("422");
        assertThat(get("/fhir/PlanDefinition/write-check-alone").statusCode()).isEqualTo(404);
    }

    /**
     * A transaction refused after its entries were written, and then rolled back, leaves nothing behind: the write
     * check's search inside it had parsed the refused version, and searches, the engine and the knowledge pages
     * were then given that parse for the next committed version, which has the same number.
     */
    @Test
    void aRefusedTransactionLeavesNothingForLaterSearches() throws Exception {
        ActivityDefinition activity = newActivity("write-check-phantom-panel");
        PlanDefinition plan = newPlanUsing(activity, "write-check-phantom");
        assertThat(post(bundle(Bundle.BundleType.TRANSACTION, plan, activity)).statusCode()).isEqualTo(200);
        PlanDefinition needsMissingActivity = newPlanUsing(newActivity("write-check-missing"), "write-check-unmet");

        plan.setTitle("Refused title");
        HttpResponse<String> refused = post(bundle(Bundle.BundleType.TRANSACTION, plan, needsMissingActivity));
        plan.setTitle("Committed title");
        HttpResponse<String> committed = putJson("/fhir/PlanDefinition/write-check-phantom",
                fhirContext.newJsonParser().encodeResourceToString(plan));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
        Bundle found = fhirContext.newJsonParser().parseResource(Bundle.class,
                get("/fhir/PlanDefinition?url=" + plan.getUrl()).body());
        assertThat(found.getEntry()).singleElement().satisfies(entry ->
                assertThat(((PlanDefinition) entry.getResource()).getTitle()).isEqualTo("Committed title"));

        Bundle remove = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (String url : List.of("ActivityDefinition/write-check-phantom-panel", "PlanDefinition/write-check-phantom")) {
            remove.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl(url);
        }
        assertThat(post(remove).statusCode()).isEqualTo(200);
    }

    /**
     * A PlanDefinition that suggests an ActivityDefinition, written while another client deletes that
     * ActivityDefinition: each check used to see only its own change, so both were stored, the knowledge no longer
     * compiled, and every later knowledge write was refused. Now they take turns and the second is refused.
     */
    @Test
    void twoWritersAtOnceCannotTogetherBreakTheKnowledge() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                TestKnowledge.deleteWhilePlanning(fhirClient(), pool, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private ActivityDefinition newActivity() {
        return newActivity("write-check-panel");
    }

    private ActivityDefinition newActivity(String id) {
        return TestKnowledge.newActivity(fhirClient(), id);
    }

    private PlanDefinition newPlanUsing(ActivityDefinition activity) {
        return newPlanUsing(activity, "write-check");
    }

    private PlanDefinition newPlanUsing(ActivityDefinition activity, String id) {
        return TestKnowledge.newPlanUsing(fhirClient(), activity, id);
    }

    private static Bundle bundle(Bundle.BundleType type, Resource... resources) {
        Bundle bundle = new Bundle().setType(type);
        for (Resource resource : resources) {
            bundle.addEntry().setResource(resource).getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT).setUrl(resource.fhirType() + "/" + resource.getIdPart());
        }
        return bundle;
    }

    private HttpResponse<String> post(Bundle bundle) throws Exception {
        return postJson("/fhir", "application/fhir+json", fhirContext.newJsonParser().encodeResourceToString(bundle));
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
