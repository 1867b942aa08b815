package org.resistancecds.knowledge.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.resistancecds.knowledge.Fixtures.administration;
import static org.resistancecds.knowledge.Fixtures.pembrolizumab;
import static org.resistancecds.knowledge.Fixtures.recist;
import static org.resistancecds.knowledge.Fixtures.statement;
import static org.resistancecds.knowledge.Fixtures.trend;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledge.Fixtures;
import org.resistancecds.knowledge.KnowledgeBase;
import org.resistancecds.knowledge.StatusVerdict;
import org.resistancecds.knowledge.record.PatientRecordReader;
import org.resistancecds.knowledge.record.VariantReader;
import org.resistancecds.knowledge.terminology.ResistanceCriteria;

class ResistanceClassifierTest {

    private static final KnowledgeBase KNOWLEDGE = Fixtures.knowledge();
    private static final PatientRecordReader READER =
            new PatientRecordReader(KNOWLEDGE.agents(), KNOWLEDGE.responses(), new VariantReader(KNOWLEDGE.genes()));

    private static StatusVerdict classify(List<Resource> resources) {
        return classify(resources, KNOWLEDGE.criteria());
    }

    private static StatusVerdict classify(List<Resource> resources, ResistanceCriteria criteria) {
        return new ResistanceClassifier(criteria).classify(READER.read(Fixtures.PATIENT, resources, LocalDate.parse("2024-10-01")));
    }

    private static List<Resource> course(Resource... resources) {
        List<Resource> list = new ArrayList<>(List.of(Fixtures.patient()));
        list.addAll(List.of(resources));
        return list;
    }

    @Test
    void responseThenConfirmedProgressionOnTreatmentIsAcquiredResistance() {
        MedicationStatement pembro = pembrolizumab("2023-01-10", null);
        Observation pr = recist("PR", "2023-04-01");
        Observation pd = recist("PD", "2024-03-01");
        Observation confirm = recist("PD", "2024-04-05");
        StatusVerdict verdict = classify(course(pembro, pr, pd, confirm));
        assertThat(verdict.code()).isEqualTo("acquired-resistance");
        assertThat(verdict.evidence()).containsExactly(
                "MedicationStatement/" + pembro.getIdPart(), "Observation/" + pd.getIdPart(),
                "Observation/" + confirm.getIdPart(), "Observation/" + pr.getIdPart());
        assertThat(verdict.reasons()).anySatisfy(r -> assertThat(r).contains("Objective response").contains("PR"));
        assertThat(verdict.reasons()).anySatisfy(r -> assertThat(r).contains("Confirmed by").contains("35 days later"));
    }

    @Test
    void confirmationNeedsFourWeeksAndAFinalReport() {
        // Exactly 27 days later: too early.
        assertThat(classify(course(pembrolizumab("2023-01-10", null), recist("PR", "2023-04-01"),
                        recist("PD", "2024-03-01"), recist("PD", "2024-03-28"))).code())
                .isEqualTo("acquired-resistance-suspected");
        // Exactly 28 days later: confirmed.
        assertThat(classify(course(pembrolizumab("2023-01-10", null), recist("PR", "2023-04-01"),
                        recist("PD", "2024-03-01"), recist("PD", "2024-03-29"))).code())
                .isEqualTo("acquired-resistance");
        // A preliminary confirming report counts with lower confidence: suspected, and the reasons say why.
        StatusVerdict preliminary = classify(course(pembrolizumab("2023-01-10", null), recist("PR", "2023-04-01"),
                recist("PD", "2024-03-01"),
                Fixtures.status(recist("PD", "2024-04-05"), Observation.ObservationStatus.PRELIMINARY)));
        assertThat(preliminary.code()).isEqualTo("acquired-resistance-suspected");
        assertThat(preliminary.reasons()).anySatisfy(r -> assertThat(r).contains("preliminary"));
    }

    @Test
    void iRecistConfirmedProgressionNeedsNoSecondScan() {
        assertThat(classify(course(pembrolizumab("2023-01-10", null), recist("iPR", "2023-04-01"),
                        recist("iUPD", "2024-02-01"), recist("iCPD", "2024-03-01"))).code())
                .isEqualTo("acquired-resistance");
        assertThat(classify(course(pembrolizumab("2023-01-10", null), recist("iPR", "2023-04-01"),
                        recist("iCPD", "2024-03-01"))).code())
                .isEqualTo("acquired-resistance");
    }

    @Test
    void pseudoProgressionDoesNotCount() {
        StatusVerdict verdict = classify(course(pembrolizumab("2023-01-10", null), recist("iUPD", "2023-03-01"),
                recist("iPR", "2023-05-01"), recist("iPR", "2023-09-01")));
        assertThat(verdict.code()).isEqualTo("responding");
        assertThat(verdict.reasons()).anySatisfy(r -> assertThat(r).contains("pseudo-progression"));
    }

    @Test
    void progressionMoreThanTwelveWeeksAfterTheLastDoseIsProgressionAfterDiscontinuation() {
        // Stopped 2023-09-30; PD 2024-01-05 is 97 days later.
        assertThat(classify(course(pembrolizumab("2023-01-10", "2023-09-30"), recist("CR", "2023-06-01"),
                        recist("PD", "2024-01-05"), recist("PD", "2024-02-10"))).code())
                .isEqualTo("progression-after-discontinuation");
        // 84 days later: still within the window.
        assertThat(classify(course(pembrolizumab("2023-01-10", "2023-09-30"), recist("CR", "2023-06-01"),
                        recist("PD", "2023-12-23"), recist("PD", "2024-02-10"))).code())
                .isEqualTo("acquired-resistance");
    }

    @Test
    void progressionAsBestResponseIsPrimaryResistanceOnceConfirmed() {
        assertThat(classify(course(pembrolizumab("2024-01-10", null), recist("PD", "2024-03-10"),
                        recist("PD", "2024-04-15"))).code())
                .isEqualTo("primary-resistance");
        StatusVerdict unconfirmed = classify(course(pembrolizumab("2024-01-10", null), recist("PD", "2024-03-10")));
        assertThat(unconfirmed.code()).isEqualTo("indeterminate");
        assertThat(unconfirmed.reasons()).anySatisfy(r -> assertThat(r).contains("needs confirmation"));
    }

    @Test
    void shortStableDiseaseThenProgressionIsPrimaryAndDurableStableDiseaseIsBenefit() {
        assertThat(classify(course(pembrolizumab("2024-01-10", null), recist("SD", "2024-03-10"),
                        recist("PD", "2024-05-10"), recist("PD", "2024-06-20"))).code())
                .isEqualTo("primary-resistance");
        StatusVerdict durable = classify(course(pembrolizumab("2023-01-10", null), recist("SD", "2023-03-10"),
                recist("SD", "2023-09-10"), recist("PD", "2024-02-10"), recist("PD", "2024-03-20")));
        assertThat(durable.code()).isEqualTo("acquired-resistance");
        assertThat(durable.reasons()).anySatisfy(r -> assertThat(r).contains("Stable disease").contains("NSCLC consensus"));
    }

    @Test
    void strictNsclcCriteriaRequireAnObjectiveResponse() {
        ResistanceCriteria strict = new ResistanceCriteria(182.625, 182.625, false, 28, 84, 42, List.of());
        StatusVerdict verdict = classify(course(pembrolizumab("2023-01-10", null), recist("SD", "2023-03-10"),
                recist("PD", "2024-02-10"), recist("PD", "2024-03-20")), strict);
        assertThat(verdict.code()).isEqualTo("primary-resistance");
        assertThat(verdict.reasons()).anySatisfy(r -> assertThat(r).contains("require an objective response"));
    }

    @Test
    void tooShortExposureIsIndeterminate() {
        // Response, then progression after 4 months: SITC needs 6 months of exposure.
        StatusVerdict verdict = classify(course(pembrolizumab("2024-01-10", null), recist("PR", "2024-03-01"),
                recist("PD", "2024-05-10"), recist("PD", "2024-06-20")));
        assertThat(verdict.code()).isEqualTo("indeterminate");
        assertThat(verdict.reasons()).anySatisfy(r -> assertThat(r).contains("less than the 183 days").contains("NSCLC consensus"));
        // Progression three weeks in, without benefit: too early to call primary resistance.
        assertThat(classify(course(pembrolizumab("2024-01-10", null), recist("PD", "2024-02-01"),
                        recist("PD", "2024-03-05"))).code())
                .isEqualTo("indeterminate");
    }

    @Test
    void noCheckpointInhibitorOrOnlyCtla4IsNotExposed() {
        StatusVerdict none = classify(course(recist("PD", "2024-03-01")));
        assertThat(none.code()).isEqualTo("not-exposed");
        StatusVerdict ipilimumab = classify(course(statement(Fixtures.RXNORM, "1094833", "ipilimumab", "2024-01-01", null),
                recist("PR", "2024-03-01")));
        assertThat(ipilimumab.code()).isEqualTo("not-exposed");
        assertThat(ipilimumab.reasons()).anySatisfy(r -> assertThat(r).contains("ipilimumab").contains("PD-1/PD-L1"));
    }

    @Test
    void enteredInErrorExposureAndAssessmentsNeverCount() {
        MedicationStatement wrong = pembrolizumab("2023-01-10", null);
        wrong.setStatus(MedicationStatement.MedicationStatementStatus.ENTEREDINERROR);
        assertThat(classify(course(wrong, recist("PR", "2023-04-01"))).code()).isEqualTo("not-exposed");

        Observation wrongPd = Fixtures.status(recist("PD", "2024-04-05"), Observation.ObservationStatus.ENTEREDINERROR);
        assertThat(classify(course(pembrolizumab("2023-01-10", null), recist("PR", "2023-04-01"),
                        recist("PD", "2024-03-01"), wrongPd)).code())
                .isEqualTo("acquired-resistance-suspected");
    }

    @Test
    void exposureIsReadFromAdministrationsInAtcOrRxNormAndTrendsFromMcode() {
        List<Resource> resources = course(
                administration("1597876", "2023-01-10"), administration("1597876", "2023-06-10"),
                administration("1597876", "2023-12-20"),
                statement(Fixtures.ATC, "L01FF01", "nivolumab", "2023-12-21", "2024-01-05"),
                trend("268910001", "2023-04-01"), trend("271299001", "2024-01-20"), trend("271299001", "2024-03-01"));
        StatusVerdict verdict = classify(resources);
        assertThat(verdict.code()).isEqualTo("acquired-resistance");
        assertThat(verdict.reasons()).anySatisfy(r -> assertThat(r).contains("read as PR (inexact mapping)"));
        assertThat(verdict.reasons()).anySatisfy(r -> assertThat(r).contains("15 days after the last dose"));
    }

    @Test
    void noAssessmentYetIsIndeterminateAndResponseWithoutProgressionIsResponding() {
        assertThat(classify(course(pembrolizumab("2024-08-01", null))).code()).isEqualTo("indeterminate");
        assertThat(classify(course(pembrolizumab("2024-01-01", null), recist("SD", "2024-03-01"),
                        recist("PR", "2024-06-01"))).code())
                .isEqualTo("responding");
    }

    @Test
    void dataAfterTheEvaluationDateAreIgnored() {
        assertThat(classify(course(pembrolizumab("2023-01-10", null), recist("PR", "2023-04-01"),
                        recist("PD", "2024-09-01"), recist("PD", "2024-11-01"))).code())
                .isEqualTo("acquired-resistance-suspected");
    }
}
