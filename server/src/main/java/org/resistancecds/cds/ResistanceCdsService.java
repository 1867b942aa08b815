package org.resistancecds.cds;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resistancecds.cds.cards.CardMapper;
import org.resistancecds.cds.prefetch.PatientData;
import org.resistancecds.cds.request.HookRequest;
import org.resistancecds.conformance.PackageWriter;
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

    /** The three services; {@code jwtRequired} says whether discovery tells clients to sign their calls. */
    static List<CdsServiceDefinition> definitions(boolean jwtRequired) {
        String usage = usageRequirements(jwtRequired);
        return List.of(
                new CdsServiceDefinition(
                        "ici-resistance-patient-view",
                        "patient-view",
                        "PD-(L)1 inhibitor resistance in NSCLC",
                        "Classifies resistance to PD-1/PD-L1 inhibitors (SITC and NSCLC consensus definitions), "
                                + "names the likely resistance mechanisms from the patient's biomarkers, and lists "
                                + "strategies with their evidence level; suggests monitoring tests when acquired "
                                + "resistance has no identified mechanism.",
                        PREFETCH,
                        usage),
                new CdsServiceDefinition(
                        "ici-resistance-order-select",
                        "order-select",
                        "PD-(L)1 inhibitor orders under resistance (selection)",
                        "While orders are selected: warns when the same PD-(L)1 inhibitor is continued in a "
                                + "patient with acquired resistance, and notes when an order matches a strategy "
                                + "for a detected resistance mechanism.",
                        PREFETCH,
                        usage),
                new CdsServiceDefinition(
                        "ici-resistance-order-sign",
                        "order-sign",
                        "PD-(L)1 inhibitor orders under resistance (signing)",
                        "Before orders are signed: warns when the same PD-(L)1 inhibitor is continued in a "
                                + "patient with acquired resistance, and notes when an order matches a strategy "
                                + "for a detected resistance mechanism.",
                        PREFETCH,
                        usage));
    }

    /** Discovery's {@code usageRequirements}: what an EHR's administrators must arrange before the first call. */
    static String usageRequirements(boolean jwtRequired) {
        return "Needs the patient's record as the prefetch templates name it: sent with the call, or read from "
                + "fhirServer (this server's own store when none is given) with a fhirAuthorization token that may "
                + "read the Patient and search each listed type; a key that cannot be had fails the call with 412, "
                + "never a card decided on part of the record. Biomarker results count when coded as this server's "
                + "profiles and terminology define them (FHIR package: /package/" + PackageWriter.fileName()
                + " on this server)."
                + (jwtRequired ? " Each call carries a JWT signed by a CDS client registered with this server "
                        + "(CDS Hooks 2.0, Trusting CDS Clients)." : "");
    }

    @Override
    public CdsServiceDefinition definition() {
        return definition;
    }

    @Override
    public CdsServiceResponseJson call(HookRequest request, PatientData data) {
        String patientId = request.context().patientId();
        Evaluation evaluation = evaluator.evaluate(new EvaluationRequest(
                patientId, request.hook(), data.resources(), request.ordersInQuestion(), clock.instant()));
        return cards.map(request.hook(), patientId, evaluation);
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
