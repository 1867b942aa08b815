package org.resistancecds.cds;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.cds.cards.CardMapper;
import org.resistancecds.cds.prefetch.PatientData;
import org.resistancecds.cds.request.HookRequest;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.EvaluationRequest;
import org.resistancecds.knowledge.ResistanceEvaluator;

/** The resistance service for one hook: gathers the patient's record, asks the engine, maps its answer to cards. */
public final class ResistanceCdsService implements CdsService {

    /**
     * Everything the engine reads, one query per resource type. The medication queries include the Medication
     * resources they reference, since agents are often coded there rather than in the order itself.
     */
    static final Map<String, String> PREFETCH = orderedPrefetch();

    private final CdsServiceDefinition definition;
    private final ResistanceEvaluator evaluator;
    private final CardMapper cards;
    private final Clock clock;

    ResistanceCdsService(CdsServiceDefinition definition, ResistanceEvaluator evaluator, CardMapper cards, Clock clock) {
        this.definition = definition;
        this.evaluator = evaluator;
        this.cards = cards;
        this.clock = clock;
    }

    static List<CdsServiceDefinition> definitions() {
        return List.of(
                new CdsServiceDefinition(
                        "ici-resistance-patient-view",
                        "patient-view",
                        "PD-(L)1 inhibitor resistance in NSCLC",
                        "Classifies resistance to PD-1/PD-L1 inhibitors (SITC and NSCLC consensus definitions), "
                                + "names the likely resistance mechanisms from the patient's biomarkers, and lists "
                                + "strategies with their evidence level; suggests monitoring tests when acquired "
                                + "resistance has no identified mechanism.",
                        PREFETCH),
                new CdsServiceDefinition(
                        "ici-resistance-order-select",
                        "order-select",
                        "PD-(L)1 inhibitor orders under resistance (selection)",
                        "While orders are selected: warns when the same PD-(L)1 inhibitor is continued in a "
                                + "patient with acquired resistance, and notes when an order matches a strategy "
                                + "for a detected resistance mechanism.",
                        PREFETCH),
                new CdsServiceDefinition(
                        "ici-resistance-order-sign",
                        "order-sign",
                        "PD-(L)1 inhibitor orders under resistance (signing)",
                        "Before orders are signed: warns when the same PD-(L)1 inhibitor is continued in a "
                                + "patient with acquired resistance, and notes when an order matches a strategy "
                                + "for a detected resistance mechanism.",
                        PREFETCH));
    }

    @Override
    public CdsServiceDefinition definition() {
        return definition;
    }

    @Override
    public CdsServiceResponseJson call(HookRequest request, PatientData data) {
        String patientId = request.context().patientId();
        Evaluation evaluation = evaluator.evaluate(new EvaluationRequest(
                patientId, request.hook(), data.resources(), ordersInQuestion(request), clock.instant()));
        return cards.map(request.hook(), patientId, evaluation);
    }

    /** order-select asks about the orders just selected; order-sign about every draft order. */
    private static List<Resource> ordersInQuestion(HookRequest request) {
        return request.hook().equals("order-select")
                ? request.context().selectedOrders()
                : request.context().draftOrders();
    }

    private static Map<String, String> orderedPrefetch() {
        Map<String, String> prefetch = new LinkedHashMap<>();
        prefetch.put("patient", "Patient/{{context.patientId}}");
        prefetch.put("observations", "Observation?patient={{context.patientId}}");
        prefetch.put("conditions", "Condition?patient={{context.patientId}}");
        prefetch.put("medicationStatements",
                "MedicationStatement?patient={{context.patientId}}&_include=MedicationStatement:medication");
        prefetch.put("medicationAdministrations",
                "MedicationAdministration?patient={{context.patientId}}&_include=MedicationAdministration:medication");
        prefetch.put("medicationRequests",
                "MedicationRequest?patient={{context.patientId}}&_include=MedicationRequest:medication");
        return prefetch;
    }
}
