package org.resistancecds.cds;

import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.Recommendation;
import org.resistancecds.knowledge.Recommendation.Citation;
import org.resistancecds.knowledge.Recommendation.Suggestion;
import org.resistancecds.knowledge.StatusVerdict;

/** Hand-written engine answers for tests of the CDS layer (the engine itself is tested on its own branch). */
public final class FakeEvaluations {

    public static final String STATUS_SYSTEM = "https://resistance-cds.org/fhir/CodeSystem/acquired-resistance-status";
    public static final String PLAN = "https://resistance-cds.org/fhir/PlanDefinition/ar-strategies";
    public static final String MONITORING_PLAN = "https://resistance-cds.org/fhir/PlanDefinition/ar-monitoring";
    public static final String ORDER_PLAN = "https://resistance-cds.org/fhir/PlanDefinition/ar-order-check";

    private FakeEvaluations() {}

    public static StatusVerdict acquiredResistance() {
        return new StatusVerdict(
                "acquired-resistance",
                "Acquired resistance",
                List.of("Partial response on pembrolizumab for 9 months (>= 6 months).",
                        "Progressive disease on 2024-03-01, confirmed on 2024-04-05 (>= 4 weeks later)."),
                List.of("MedicationAdministration/ma-1", "Observation/resp-1", "Observation/resp-2"));
    }

    /** Acquired resistance, antigen-presentation defect, an approved and an investigational strategy. */
    public static Evaluation withMechanism() {
        MechanismFinding b2m = new MechanismFinding(
                "antigen-presentation-defect",
                "Antigen presentation defect",
                "probable",
                List.of("B2M c.67+1G>T, loss of function (NGS, tissue)"),
                List.of("Observation/variant-b2m"));
        Recommendation approved = new Recommendation(
                PLAN, "chemo-switch", "Switch to platinum doublet chemotherapy",
                "Consider platinum-based chemotherapy after progression on PD-(L)1 blockade.",
                "urgent", "approved", false, List.of("antigen-presentation-defect"),
                List.of(new Citation("Schoenfeld 2021", "Ann Oncol 2021;32:1597-1607", "10.1016/j.annonc.2021.08.2151")),
                List.of());
        Recommendation trial = new Recommendation(
                PLAN, "tigit-combo", "Anti-TIGIT plus anti-PD-1 combination",
                "Co-inhibition of TIGIT and PD-1 restores T-cell function in models.",
                "routine", "early-phase-trial", true, List.of("antigen-presentation-defect"),
                List.of(new Citation("Chu 2023", "Mol Cancer 22:93", "10.1186/s12943-023-01800-3"),
                        new Citation("Review", "Xiao et al., Table 1", null)),
                List.of(new Suggestion("Refer to a clinical trial of TIGIT co-inhibition", referral())));
        return new Evaluation(acquiredResistance(), List.of(b2m), List.of(approved, trial), List.of(statusObservation()));
    }

    /** The mechanism of {@link #withMechanism()} with only its investigational strategy. */
    public static Evaluation withInvestigationalStrategyOnly() {
        Evaluation both = withMechanism();
        return new Evaluation(both.status(), both.mechanisms(),
                both.recommendations().stream().filter(Recommendation::investigational).toList(), both.derivedObservations());
    }

    /** Acquired resistance with no identified mechanism: the monitoring tests are suggested. */
    public static Evaluation withoutMechanism() {
        Recommendation monitoring = new Recommendation(
                MONITORING_PLAN, "mechanism-workup", "Work up the resistance mechanism: ctDNA panel and re-biopsy",
                "No resistance mechanism is identified yet. A plasma ctDNA panel and a tissue re-biopsy can find one.",
                "urgent", "late-phase-trial", false, List.of(),
                List.of(new Citation("Review", "Xiao et al., ctDNA monitoring", null)),
                List.of(new Suggestion("Order a plasma ctDNA NGS panel", test("ctDNA NGS panel")),
                        new Suggestion("Order a tissue re-biopsy with NGS", test("Tissue re-biopsy NGS"))));
        return new Evaluation(acquiredResistance(), List.of(), List.of(monitoring), List.of(statusObservation()));
    }

    /** order-sign: continuing the same agent under acquired resistance, and ordering a matched strategy. */
    public static Evaluation forOrders() {
        Recommendation sameAgent = new Recommendation(
                ORDER_PLAN, "same-agent", "Pembrolizumab continued despite acquired resistance",
                "The patient meets the definition of acquired resistance to pembrolizumab. Work up the mechanism "
                        + "before continuing the same agent.",
                "urgent", "late-phase-trial", false, List.of(),
                List.of(new Citation("SITC", "Kluger 2020", "10.1136/jitc-2019-000398")), List.of());
        Recommendation matched = new Recommendation(
                ORDER_PLAN, "matched-strategy", "Order matches a strategy for the detected mechanism",
                "Platinum doublet addresses the antigen presentation defect.",
                "routine", "approved", false, List.of("antigen-presentation-defect"),
                List.of(new Citation("Schoenfeld 2021", "Ann Oncol", "10.1016/j.annonc.2021.08.2151")), List.of());
        return new Evaluation(acquiredResistance(), List.of(), List.of(sameAgent, matched), List.of());
    }

    /** Never given PD-(L)1 blockade, with a B2M finding the engine still reads as a mechanism. */
    public static Evaluation notExposed() {
        return new Evaluation(
                new StatusVerdict("not-exposed", "Not exposed to PD-1/PD-L1 blockade", List.of("No ICI found."), List.of()),
                withMechanism().mechanisms(), List.of(), List.of());
    }

    private static Observation statusObservation() {
        Observation observation = new Observation();
        observation.setValue(new CodeableConcept(new Coding(STATUS_SYSTEM, "acquired-resistance", "Acquired resistance")));
        return observation;
    }

    private static ServiceRequest referral() {
        ServiceRequest request = new ServiceRequest();
        request.setStatus(ServiceRequest.ServiceRequestStatus.DRAFT);
        request.setIntent(ServiceRequest.ServiceRequestIntent.PROPOSAL);
        request.setCode(new CodeableConcept().setText("Clinical trial referral"));
        return request;
    }

    private static ServiceRequest test(String text) {
        ServiceRequest request = new ServiceRequest();
        request.setStatus(ServiceRequest.ServiceRequestStatus.DRAFT);
        request.setIntent(ServiceRequest.ServiceRequestIntent.PROPOSAL);
        request.setCode(new CodeableConcept().setText(text));
        request.setSubject(new Reference("Patient/p1"));
        return request;
    }
}
