package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

    /** A strategy outside the acquired-resistance gate was stored, and offered to a responding patient. */
    @Test
    void aStrategyOutsideTheAcquiredResistanceGateIsRefused() throws Exception {
        HttpResponse<String> before = get(STRATEGIES);
        PlanDefinition plan = (PlanDefinition) fhirContext.newJsonParser().parseResource(before.body());
        // The group's gate always true: its first strategy has no condition of its own.
        plan.getActionFirstRep().getConditionFirstRep().getExpression().setExpression("true");
        assertThat(plan.getActionFirstRep().getActionFirstRep().hasCondition()).isFalse();

        HttpResponse<String> refused = putJson(STRATEGIES, fhirContext.newJsonParser().encodeResourceToString(plan));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("is recommended for the packaged scenario", "whose resistance status is",
                "%statusCode = 'acquired-resistance'");
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

    /**
     * A Bundle that had written rows (a conditional create's unique row) before it waited for the knowledge turn,
     * and a writer holding the turn that needed those rows, waited on each other until H2's lock timeout (10 s),
     * then one failed with a lock timeout (found by a stress test). A lone knowledge PUT goes first so the two queue
     * behind it.
     */
    @Test
    void bundlesCarryingKnowledgeDoNotWaitOnEachOther() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        String packaged = get(STRATEGIES).body();
        try {
            for (int round = 0; round < 3; round++) {
                String lonePlan = titled(packaged, "lone " + round);
                String strategies = titled(packaged, "in a Bundle " + round);
                String identifier = "turn-" + UUID.randomUUID();
                ActivityDefinition own = newActivity("write-turn-" + round);
                assertThat(putJson("/fhir/ActivityDefinition/" + own.getIdPart(),
                        fhirContext.newJsonParser().encodeResourceToString(own)).statusCode()).isIn(200, 201);
                String conditionalCreate = "{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":"
                        + "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:turn\",\"value\":\""
                        + identifier + "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\","
                        + "\"ifNoneExist\":\"identifier=urn:turn|" + identifier + "\"}}";
                String createThenPlan = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                        + conditionalCreate + ",{\"resource\":" + strategies + ",\"request\":{\"method\":\"PUT\","
                        + "\"url\":\"PlanDefinition/acquired-resistance-strategies\"}}]}";
                String deleteThenCreate = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                        + "{\"request\":{\"method\":\"DELETE\",\"url\":\"ActivityDefinition/" + own.getIdPart()
                        + "\"}}," + conditionalCreate.replaceFirst("urn:uuid:[0-9a-f-]+", "urn:uuid:" + UUID.randomUUID())
                        + "]}";
                Future<HttpResponse<String>> lone = pool.submit(() -> putJson(STRATEGIES, lonePlan));
                Thread.sleep(50);
                Future<HttpResponse<String>> first = pool.submit(() -> postJson("/fhir", "application/fhir+json",
                        createThenPlan));
                Future<HttpResponse<String>> second = pool.submit(() -> postJson("/fhir", "application/fhir+json",
                        deleteThenCreate));

                assertThat(lone.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                for (Future<HttpResponse<String>> answer : List.of(first, second)) {
                    HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                    // Two conditional creates of one identifier at once: HAPI's uniqueness row may refuse the later
                    // one (409), as without knowledge in either Bundle; a lock timeout is the two waiting on each other.
                    assertThat(response.statusCode()).as("round " + round + ": " + response.body()).isIn(200, 409);
                    assertThat(response.body()).as("round " + round).doesNotContain("Timeout trying to lock");
                }
            }
        } finally {
            pool.shutdownNow();
            putJson(STRATEGIES, packaged);
        }
    }

    /** The plan with a title of its own, so that each write stores a version. */
    private String titled(String plan, String title) {
        PlanDefinition parsed = fhirContext.newJsonParser().parseResource(PlanDefinition.class, plan);
        parsed.setMeta(null);
        parsed.setTitle(parsed.getTitle() + " (" + title + ")");
        return fhirContext.newJsonParser().encodeResourceToString(parsed);
    }

    /**
     * Writers re-creating a deleted ActivityDefinition at once: the write check's read wrote out the half-made
     * version first, and the loser got a 500 there instead of HAPI's 409 (found by a stress test).
     */
    @Test
    void writersRecreatingADeletedKnowledgeResourceGetNoServerFault() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            ActivityDefinition activity = newActivity("write-recreated");
            String body = fhirContext.newJsonParser().encodeResourceToString(activity);
            String path = "/fhir/ActivityDefinition/write-recreated";
            for (int round = 0; round < 4; round++) {
                assertThat(putJson(path, body).statusCode()).isIn(200, 201);
                assertThat(http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                List<Future<HttpResponse<String>>> writers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    writers.add(pool.submit(() -> putJson(path, body)));
                }
                for (Future<HttpResponse<String>> writer : writers) {
                    HttpResponse<String> response = writer.get(60, TimeUnit.SECONDS);
                    assertThat(response.statusCode()).as(response.body()).isIn(200, 201, 409);
                }
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
