package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Expression;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
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

    /** A copy of a packaged ActivityDefinition under a new id and URL. */
    private ActivityDefinition newActivity() throws Exception {
        ActivityDefinition activity = fhirContext.newJsonParser().parseResource(ActivityDefinition.class,
                get("/fhir/ActivityDefinition/ctdna-resistance-panel").body());
        activity.setId("write-check-panel");
        activity.setUrl(KnowledgeCodes.BASE + "/ActivityDefinition/write-check-panel");
        activity.setMeta(null);
        return activity;
    }

    /** A PlanDefinition of one packaged recommendation, suggesting the activity, whose condition is never true. */
    private PlanDefinition newPlanUsing(ActivityDefinition activity) throws Exception {
        PlanDefinition monitoring = fhirContext.newJsonParser().parseResource(PlanDefinition.class,
                get("/fhir/PlanDefinition/resistance-monitoring").body());
        PlanDefinitionActionComponent step = firstLeaf(monitoring.getAction());
        step.setTrigger(monitoring.getActionFirstRep().getTrigger());
        step.getCondition().clear();
        step.addCondition().setKind(PlanDefinition.ActionConditionKind.APPLICABILITY)
                .setExpression(new Expression().setLanguage("text/fhirpath").setExpression("false"));
        step.setDefinition(new CanonicalType(activity.getUrl()));
        PlanDefinition plan = new PlanDefinition();
        plan.setId("write-check");
        plan.setUrl(KnowledgeCodes.BASE + "/PlanDefinition/write-check");
        plan.setStatus(Enumerations.PublicationStatus.DRAFT);
        plan.setTitle("Write check");
        plan.addAction(step);
        return plan;
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

    private static PlanDefinitionActionComponent firstLeaf(List<PlanDefinitionActionComponent> actions) {
        PlanDefinitionActionComponent action = actions.get(0);
        return action.hasAction() ? firstLeaf(action.getAction()) : action.copy();
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
