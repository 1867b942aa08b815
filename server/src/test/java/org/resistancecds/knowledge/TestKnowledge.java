package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Expression;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;

/**
 * Knowledge for tests of knowledge writes, made from the packaged knowledge on a running server: an
 * ActivityDefinition, a PlanDefinition suggesting it whose condition is never true (so the answers other tests see
 * stay as packaged), and a race of two writers that must not together break the knowledge.
 */
public final class TestKnowledge {

    private static final String STRATEGIES = "acquired-resistance-strategies";

    private TestKnowledge() {}

    /** A copy of a packaged ActivityDefinition under a new id and URL. */
    public static ActivityDefinition newActivity(IGenericClient client, String id) {
        ActivityDefinition activity = client.read().resource(ActivityDefinition.class)
                .withId("ctdna-resistance-panel").execute();
        activity.setId(id);
        activity.setUrl(KnowledgeCodes.BASE + "/ActivityDefinition/" + id);
        activity.setMeta(null);
        return activity;
    }

    /** A PlanDefinition of one packaged recommendation, suggesting the activity, whose condition is never true. */
    public static PlanDefinition newPlanUsing(IGenericClient client, ActivityDefinition activity, String id) {
        PlanDefinition monitoring = client.read().resource(PlanDefinition.class).withId("resistance-monitoring")
                .execute();
        PlanDefinitionActionComponent step = firstLeaf(monitoring.getAction());
        step.setTrigger(monitoring.getActionFirstRep().getTrigger());
        step.getCondition().clear();
        step.addCondition().setKind(PlanDefinition.ActionConditionKind.APPLICABILITY)
                .setExpression(new Expression().setLanguage("text/fhirpath").setExpression("false"));
        step.setDefinition(new CanonicalType(activity.getUrl()));
        PlanDefinition plan = new PlanDefinition();
        plan.setId(id);
        plan.setUrl(KnowledgeCodes.BASE + "/PlanDefinition/" + id);
        plan.setStatus(Enumerations.PublicationStatus.DRAFT);
        plan.setTitle("Write check");
        plan.addAction(step);
        return plan;
    }

    /**
     * Stores an ActivityDefinition, then at the same moment deletes it and stores a PlanDefinition that suggests it;
     * asserts one of the two was refused (422) and the stored knowledge still compiles, and removes what was stored.
     */
    public static void deleteWhilePlanning(IGenericClient client, ExecutorService pool, String what) throws Exception {
        deleteWhilePlanning(client, client, pool, what);
    }

    /** The same race with the delete sent to one server and the plan to another (two nodes on one database). */
    public static void deleteWhilePlanning(IGenericClient client, IGenericClient planner, ExecutorService pool,
            String what) throws Exception {
        ActivityDefinition activity = newActivity(client, "write-race-panel");
        PlanDefinition plan = newPlanUsing(client, activity, "write-race");
        client.update().resource(activity).execute();
        CountDownLatch start = new CountDownLatch(1);
        Future<Integer> deleted = pool.submit(() -> {
            start.await();
            return status(() -> client.delete().resourceById("ActivityDefinition", "write-race-panel").execute());
        });
        Future<Integer> planned = pool.submit(() -> {
            start.await();
            return status(() -> planner.update().resource(plan).execute());
        });
        start.countDown();
        List<Integer> statuses = List.of(deleted.get(60, TimeUnit.SECONDS), planned.get(60, TimeUnit.SECONDS));

        assertThat(statuses).as(what + ": delete, then plan").containsOnlyOnce(422);
        // The stored knowledge still compiles: an unchanged write of the packaged strategies goes through.
        client.update().resource(client.read().resource(PlanDefinition.class).withId(STRATEGIES).execute()).execute();

        if (statuses.get(1) != 422) {
            Bundle remove = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            remove.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("PlanDefinition/write-race");
            remove.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("ActivityDefinition/write-race-panel");
            client.transaction().withBundle(remove).execute();
        }
    }

    private static int status(Callable<?> call) throws Exception {
        try {
            call.call();
            return 200;
        } catch (BaseServerResponseException e) {
            return e.getStatusCode();
        }
    }

    private static PlanDefinitionActionComponent firstLeaf(List<PlanDefinitionActionComponent> actions) {
        PlanDefinitionActionComponent action = actions.get(0);
        return action.hasAction() ? firstLeaf(action.getAction()) : action.copy();
    }
}
