package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.resistancecds.knowledge.Fixtures.finding;
import static org.resistancecds.knowledge.Fixtures.somatic;
import static org.resistancecds.knowledge.Fixtures.variant;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

class KnowledgeEvaluatorTest {

    private static final ResistanceEvaluator ENGINE = new KnowledgeEvaluator(Fixtures.knowledge());

    private static List<String> actionIds(Evaluation evaluation) {
        return evaluation.recommendations().stream().map(Recommendation::actionId).toList();
    }

    private static List<Resource> withAr(Resource... extra) {
        List<Resource> resources = new ArrayList<>(Fixtures.acquiredResistanceCourse());
        resources.addAll(List.of(extra));
        return resources;
    }

    @Test
    void acquiredResistanceWithIfnGammaDefectGetsGeneralAndTargetedStrategiesAllInvestigational() {
        Evaluation evaluation = ENGINE.evaluate(Fixtures.request("patient-view",
                withAr(somatic(variant("HGNC:6190", "JAK1", "p.Arg12Ter"))), List.of()));
        assertThat(evaluation.status().code()).isEqualTo("acquired-resistance");
        assertThat(actionIds(evaluation)).containsExactly(
                "pd1-ctla4-dual-blockade", "pd1-tigit-coinhibition", "ici-plus-parp14-inhibitor",
                "exosomal-pd-l1", "radiomics-immune-phenotype");
        Recommendation parp14 = evaluation.recommendations().get(2);
        assertThat(parp14.evidenceLevel()).isEqualTo("preclinical");
        assertThat(parp14.investigational()).isTrue();
        assertThat(parp14.description()).contains("Investigational");
        assertThat(parp14.mechanisms()).containsExactly("ifn-gamma-signaling-alteration");
        assertThat(parp14.citations()).extracting(Recommendation.Citation::doi).containsExactly("10.1038/s41467-023-41737-1");
        assertThat(evaluation.recommendations()).allSatisfy(r -> {
            assertThat(r.investigational()).isTrue();
            assertThat(r.citations()).isNotEmpty();
        });
    }

    @Test
    void aSuggestionIsADraftServiceRequestForThePatientWithItsReasons() {
        Evaluation evaluation = ENGINE.evaluate(Fixtures.request("evaluate-resistance",
                withAr(somatic(variant("HGNC:6190", "JAK1", "p.Arg12Ter"))), List.of()));
        Recommendation parp14 = evaluation.recommendations().stream()
                .filter(r -> r.actionId().equals("ici-plus-parp14-inhibitor")).findFirst().orElseThrow();
        ServiceRequest referral = (ServiceRequest) parp14.suggestions().get(0).resource();
        // One referral serves every strategy: its label says which one this is.
        assertThat(parp14.suggestions().get(0).label()).startsWith("Referral for a clinical trial")
                .contains("PARP14");
        assertThat(referral.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.DRAFT);
        assertThat(referral.getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.PROPOSAL);
        assertThat(referral.getSubject().getReference()).isEqualTo("Patient/p1");
        assertThat(referral.getInstantiatesCanonical().get(0).getValue()).endsWith("/ActivityDefinition/trial-referral");
        assertThat(referral.getOrderDetailFirstRep().getCodingFirstRep().getCode()).isEqualTo("ici-plus-parp14-inhibitor");
        assertThat(referral.getReasonCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("ifn-gamma-signaling-alteration");
        assertThat(referral.getReasonReferenceFirstRep().getReference())
                .isEqualTo("Observation/" + evaluation.derivedObservations().get(0).getIdPart());
    }

    @Test
    void cox2CombinationNeedsActivatingKrasAndStk11LossBothShown() {
        Evaluation both = ENGINE.evaluate(Fixtures.request("patient-view", withAr(
                somatic(variant("HGNC:6407", "KRAS", "p.Gly12Cys")), somatic(variant("HGNC:11389", "STK11", "p.Gln37Ter"))),
                List.of()));
        assertThat(actionIds(both)).contains("ici-plus-cox2-inhibitor");
        // STK11 missense of unknown function: the mechanism is probable through KRAS, but STK11 loss is not shown.
        Evaluation missense = ENGINE.evaluate(Fixtures.request("patient-view", withAr(
                somatic(variant("HGNC:6407", "KRAS", "p.Gly12Cys")), somatic(variant("HGNC:11389", "STK11", "p.Asp194Tyr"))),
                List.of()));
        assertThat(missense.mechanisms()).extracting(MechanismFinding::confidence).containsExactly("probable");
        assertThat(actionIds(missense)).doesNotContain("ici-plus-cox2-inhibitor");
    }

    @Test
    void unknownMechanismUnderAcquiredResistanceSuggestsTheCtdnaPanel() {
        Evaluation evaluation = ENGINE.evaluate(Fixtures.request("patient-view", withAr(), List.of()));
        assertThat(actionIds(evaluation)).contains("ctdna-panel-mechanism-unknown");
        Recommendation ctdna = evaluation.recommendations().stream()
                .filter(r -> r.actionId().equals("ctdna-panel-mechanism-unknown")).findFirst().orElseThrow();
        assertThat(((ServiceRequest) ctdna.suggestions().get(0).resource()).getCode().getText())
                .contains("B2M", "JAK1", "JAK2", "STK11", "KEAP1", "PTEN", "EGFR");
    }

    /**
     * The evidence level is what the action rests on: advice from the consensus definitions is not approved
     * therapy (and not investigational either); the monitoring tests rest on observational cohorts.
     */
    @Test
    void eachRecommendationCarriesTheLevelOfTheEvidenceItRestsOn() {
        List<Resource> suspected = new ArrayList<>(Fixtures.acquiredResistanceCourse());
        suspected.remove(suspected.size() - 1);
        Recommendation confirm = recommendation(ENGINE.evaluate(Fixtures.request("patient-view", suspected, List.of())),
                "confirm-progression");
        assertThat(confirm.evidenceLevel()).isEqualTo("consensus");
        assertThat(confirm.investigational()).isFalse();

        Evaluation ar = ENGINE.evaluate(Fixtures.request("patient-view", withAr(), List.of()));
        for (String monitoring : List.of("ctdna-panel-mechanism-unknown", "exosomal-pd-l1", "radiomics-immune-phenotype")) {
            Recommendation test = recommendation(ar, monitoring);
            assertThat(test.evidenceLevel()).as(monitoring).isEqualTo("observational");
            assertThat(test.investigational()).as(monitoring).isTrue();
        }

        MedicationRequest order = draft("#m");
        order.addContained(medication("m", Fixtures.ATC, "L01FF02"));
        Recommendation warning = recommendation(ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(order))),
                "continue-same-agent-after-acquired-resistance");
        assertThat(warning.evidenceLevel()).isEqualTo("consensus");
        assertThat(warning.investigational()).isFalse();
    }

    private static Recommendation recommendation(Evaluation evaluation, String actionId) {
        return evaluation.recommendations().stream()
                .filter(r -> r.actionId().equals(actionId))
                .findFirst()
                .orElseThrow(() -> new AssertionError(actionId + " not in " + actionIds(evaluation)));
    }

    /** The TAM strategy's evidence is for TIM-3+VISTA+ macrophages: an M2-like infiltrate alone does not qualify. */
    @Test
    void tamTargetingNeedsTheTim3VistaPopulation() {
        Evaluation m2 = ENGINE.evaluate(Fixtures.request("patient-view", withAr(finding("m2-tam-infiltration", "H")),
                List.of()));
        Evaluation tim3Vista = ENGINE.evaluate(Fixtures.request("patient-view",
                withAr(finding("tim3-vista-tam-infiltration", "H")), List.of()));

        assertThat(actionIds(m2)).doesNotContain("tim3-vista-tam-targeting");
        assertThat(actionIds(tim3Vista)).contains("tim3-vista-tam-targeting");
    }

    @Test
    void otherStatusesNeverGetAStrategy() {
        List<Resource> responding = new ArrayList<>(List.of(Fixtures.patient(), Fixtures.pembrolizumab("2024-01-01", null),
                Fixtures.recist("PR", "2024-04-01"), somatic(variant("HGNC:6190", "JAK1", "p.Arg12Ter")),
                finding("treg-infiltration", "H")));
        Evaluation evaluation = ENGINE.evaluate(Fixtures.request("patient-view", responding, List.of()));
        assertThat(evaluation.status().code()).isEqualTo("responding");
        assertThat(evaluation.mechanisms()).hasSize(2);
        assertThat(evaluation.recommendations()).isEmpty();

        List<Resource> suspected = new ArrayList<>(Fixtures.acquiredResistanceCourse());
        suspected.remove(suspected.size() - 1);
        suspected.add(somatic(variant("HGNC:6190", "JAK1", "p.Arg12Ter")));
        Evaluation unconfirmed = ENGINE.evaluate(Fixtures.request("patient-view", suspected, List.of()));
        assertThat(unconfirmed.status().code()).isEqualTo("acquired-resistance-suspected");
        assertThat(actionIds(unconfirmed)).contains("confirm-progression").doesNotContain("ici-plus-parp14-inhibitor",
                "pd1-ctla4-dual-blockade", "pd1-tigit-coinhibition");
    }

    @Test
    void orderingTheSameAgentUnderAcquiredResistanceWarnsWhateverTheCodeSystem() {
        MedicationRequest atcPembro = new MedicationRequest();
        atcPembro.setStatus(MedicationRequest.MedicationRequestStatus.DRAFT);
        atcPembro.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        atcPembro.setMedication(new CodeableConcept(new Coding(Fixtures.ATC, "L01FF02", "pembrolizumab")));
        atcPembro.setSubject(new Reference("Patient/p1"));
        Evaluation evaluation = ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(atcPembro)));
        assertThat(actionIds(evaluation)).containsExactly("continue-same-agent-after-acquired-resistance");
        assertThat(evaluation.recommendations().get(0).priority()).isEqualTo("urgent");

        // Acquired resistance is to PD-(L)1 blockade, the class: switching to another agent alone warns too.
        MedicationRequest nivolumab = atcPembro.copy();
        nivolumab.setMedication(new CodeableConcept(new Coding(Fixtures.RXNORM, "1597876", "nivolumab")));
        assertThat(actionIds(ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(nivolumab)))))
                .containsExactly("continue-same-agent-after-acquired-resistance");
        MedicationRequest ipilimumab = atcPembro.copy();
        ipilimumab.setMedication(new CodeableConcept(new Coding(Fixtures.ATC, "L01FX04", "ipilimumab")));
        assertThat(ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(ipilimumab))).recommendations())
                .as("CTLA-4 blockade is not the class resisted").isEmpty();
    }

    /** A drug the service cannot identify is not passed over in silence under acquired resistance. */
    @Test
    void aDrugTheServiceCannotIdentifyIsSaidToBeUnchecked() {
        MedicationRequest snomed = draft("#snomed");
        snomed.setMedication(new CodeableConcept(new Coding("http://snomed.info/sct", "386906001", "Docetaxel")));
        MedicationRequest snomedPembro = draft("#snomed-pembro");
        snomedPembro.setMedication(new CodeableConcept(new Coding("http://snomed.info/sct", "716125002", "Pembrolizumab")));
        MedicationRequest textOnly = draft("#text");
        textOnly.setMedication(new CodeableConcept().setText("Paclitaxel 175 mg/m2 IV"));
        MedicationRequest rxnorm = draft("#rxnorm");
        rxnorm.setMedication(new CodeableConcept(new Coding(Fixtures.RXNORM, "40048", "carboplatin")));
        MedicationRequest namedInText = draft("#named");
        namedInText.setMedication(new CodeableConcept().setText("Keytruda (pembrolizumab) 200 mg IV q3w"));

        for (MedicationRequest unidentified : List.of(snomed, textOnly)) {
            Recommendation unchecked = recommendation(
                    ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(unidentified))),
                    "ordered-drug-not-identified");
            assertThat(unchecked.priority()).isEqualTo("routine");
            assertThat(unchecked.investigational()).isFalse();
        }
        assertThat(ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(rxnorm))).recommendations())
                .as("identified, and no checkpoint inhibitor").isEmpty();
        assertThat(actionIds(ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(namedInText)))))
                .as("an ICI named in the text is identified by its ingredient")
                .containsExactly("continue-same-agent-after-acquired-resistance");
        assertThat(actionIds(ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(snomedPembro)))))
                .as("and by the display of a code in another system")
                .containsExactly("continue-same-agent-after-acquired-resistance");
    }

    /** The same agent ordered by reference: to a contained Medication, one sent with the orders, one in the record. */
    @Test
    void orderingTheSameAgentWarnsWhenTheOrderRefersToAContainedMedication() {
        MedicationRequest order = draft("#m");
        order.addContained(medication("m", Fixtures.ATC, "L01FF02"));

        assertThat(actionIds(ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(order)))))
                .containsExactly("continue-same-agent-after-acquired-resistance");
        MedicationRequest other = draft("#m");
        other.addContained(medication("m", Fixtures.RXNORM, "40048"));
        assertThat(ENGINE.evaluate(Fixtures.request("order-sign", withAr(), List.of(other))).recommendations()).isEmpty();
    }

    @Test
    void orderingTheSameAgentWarnsWhenTheOrderRefersToAMedicationSentWithTheOrders() {
        Medication byId = medication("pembro-draft", Fixtures.RXNORM, "1547545");
        Medication byUrn = medication(null, Fixtures.ATC, "L01FF02");
        byUrn.setId("urn:uuid:9a3f5b61-3c3e-4d5e-8f43-0d1c2b3a4f50");

        assertThat(actionIds(ENGINE.evaluate(Fixtures.request("order-select", withAr(),
                List.of(draft("Medication/pembro-draft"), byId)))))
                .containsExactly("continue-same-agent-after-acquired-resistance");
        assertThat(actionIds(ENGINE.evaluate(Fixtures.request("order-sign", withAr(),
                List.of(draft("urn:uuid:9a3f5b61-3c3e-4d5e-8f43-0d1c2b3a4f50"), byUrn)))))
                .containsExactly("continue-same-agent-after-acquired-resistance");
    }

    @Test
    void orderingTheSameAgentWarnsWhenTheOrderRefersToAMedicationInTheRecord() {
        List<Resource> record = withAr(medication("pembro-stored", Fixtures.ATC, "L01FF02"),
                medication("carbo-stored", Fixtures.RXNORM, "40048"));

        assertThat(actionIds(ENGINE.evaluate(Fixtures.request("order-sign", record,
                List.of(draft("Medication/pembro-stored"))))))
                .containsExactly("continue-same-agent-after-acquired-resistance");
        assertThat(ENGINE.evaluate(Fixtures.request("order-sign", record, List.of(draft("Medication/carbo-stored"))))
                .recommendations()).isEmpty();
        assertThat(ENGINE.evaluate(Fixtures.request("order-sign", record, List.of(draft("Medication/unknown"))))
                .recommendations()).as("an unresolved reference names no agent").isEmpty();
    }

    private static MedicationRequest draft(String medicationReference) {
        MedicationRequest order = new MedicationRequest();
        order.setId("draft-" + Math.abs(medicationReference.hashCode()));
        order.setStatus(MedicationRequest.MedicationRequestStatus.DRAFT);
        order.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        order.setMedication(new Reference(medicationReference));
        order.setSubject(new Reference("Patient/p1"));
        return order;
    }

    private static Medication medication(String id, String system, String code) {
        Medication medication = new Medication();
        if (id != null) {
            medication.setId(id);
        }
        medication.setCode(new CodeableConcept(new Coding(system, code, null)));
        return medication;
    }

    @Test
    void orderingAStrategyThatMatchesADetectedMechanismIsNoted() {
        ServiceRequest referral = new ServiceRequest();
        referral.setStatus(ServiceRequest.ServiceRequestStatus.DRAFT);
        referral.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        referral.setSubject(new Reference("Patient/p1"));
        referral.addOrderDetail(new CodeableConcept(new Coding(KnowledgeCodes.STRATEGY_SYSTEM, "ici-plus-parp14-inhibitor", null)));
        Evaluation matching = ENGINE.evaluate(Fixtures.request("order-select",
                withAr(somatic(variant("HGNC:6190", "JAK1", "p.Arg12Ter"))), List.of(referral)));
        assertThat(actionIds(matching)).containsExactly("ordered-ici-plus-parp14-inhibitor");
        assertThat(matching.recommendations().get(0).priority()).isEqualTo("routine");
        Evaluation noMechanism = ENGINE.evaluate(Fixtures.request("order-select", withAr(), List.of(referral)));
        assertThat(noMechanism.recommendations()).isEmpty();
    }

    @Test
    void derivedObservationsCarryValueConfidenceAndDerivedFrom() {
        Observation jak1 = somatic(variant("HGNC:6190", "JAK1", "p.Arg12Ter"));
        Evaluation evaluation = ENGINE.evaluate(Fixtures.request("evaluate-resistance", withAr(jak1), List.of()));
        Observation status = evaluation.derivedObservations().get(0);
        assertThat(status.getMeta().getProfile().get(0).getValue()).isEqualTo(KnowledgeCodes.STATUS_PROFILE);
        assertThat(status.getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("acquired-resistance");
        List<String> linked = new ArrayList<>(status.getDerivedFrom().stream().map(Reference::getReference).toList());
        // R4 allows no MedicationStatement in derivedFrom: exposure is linked as workflow-supportingInfo.
        List<String> supporting = status.getExtensionsByUrl("http://hl7.org/fhir/StructureDefinition/workflow-supportingInfo")
                .stream().map(e -> ((Reference) e.getValue()).getReference()).toList();
        assertThat(supporting).singleElement().asString().startsWith("MedicationStatement/");
        assertThat(status.getDerivedFrom()).allSatisfy(r -> assertThat(r.getReference()).startsWith("Observation/"));
        linked.addAll(supporting);
        assertThat(linked).containsExactlyInAnyOrderElementsOf(evaluation.status().evidence());
        assertThat(status.getNoteFirstRep().getText()).contains("Objective response");

        Observation mechanism = evaluation.derivedObservations().get(1);
        assertThat(mechanism.getMeta().getProfile().get(0).getValue()).isEqualTo(KnowledgeCodes.MECHANISM_PROFILE);
        assertThat(mechanism.getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("ifn-gamma-signaling-alteration");
        assertThat(mechanism.getComponent().get(0).getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("probable");
        assertThat(mechanism.getComponent().get(1).getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("HGNC:6190");
        assertThat(mechanism.getDerivedFrom()).extracting(Reference::getReference).containsExactly("Observation/" + jak1.getIdPart());
    }

    @Test
    void notesSayWhatDidNotCount() {
        Observation wrong = Fixtures.status(somatic(variant("HGNC:914", "B2M", "p.Arg12Ter")), Observation.ObservationStatus.ENTEREDINERROR);
        Evaluation evaluation = ENGINE.evaluate(Fixtures.request("patient-view", withAr(wrong), List.of()));
        assertThat(evaluation.mechanisms()).isEmpty();
        assertThat(evaluation.notes()).anySatisfy(n -> assertThat(n).contains(wrong.getIdPart()).contains("entered-in-error"));
    }

    @Test
    void anEmptyRecordIsNotExposedWithoutRecommendations() {
        Evaluation evaluation = ENGINE.evaluate(Fixtures.request("patient-view", List.of(), List.of()));
        assertThat(evaluation.status().code()).isEqualTo("not-exposed");
        assertThat(evaluation.mechanisms()).isEmpty();
        assertThat(evaluation.recommendations()).isEmpty();
        assertThat(evaluation.derivedObservations()).hasSize(1);
    }

    @Test
    void concurrentEvaluationsGiveTheSameAnswers() throws Exception {
        List<Resource> record = withAr(somatic(variant("HGNC:6190", "JAK1", "p.Arg12Ter")), finding("treg-infiltration", "H"));
        List<String> expected = actionIds(ENGINE.evaluate(Fixtures.request("patient-view", record, List.of())));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(pool.submit(() -> actionIds(ENGINE.evaluate(Fixtures.request("patient-view", record, List.of())))));
            }
            for (Future<List<String>> result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUnknownTriggerIsRefused() {
        assertThatThrownBy(() -> ENGINE.evaluate(Fixtures.request("patient-open", List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("patient-open");
    }
}
