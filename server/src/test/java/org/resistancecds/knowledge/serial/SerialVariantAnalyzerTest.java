package org.resistancecds.knowledge.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.resistancecds.knowledge.Fixtures.LOINC;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Specimen;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledge.Fixtures;
import org.resistancecds.knowledge.KnowledgeBase;
import org.resistancecds.knowledge.record.PatientRecord;
import org.resistancecds.knowledge.record.PatientRecordReader;
import org.resistancecds.knowledge.record.VariantReader;

/** Lining up variant results over time and classifying them against the first anti-PD-(L)1 dose (2023-01-10). */
class SerialVariantAnalyzerTest {

    private static final KnowledgeBase KNOWLEDGE = Fixtures.knowledge();
    private static final PatientRecordReader READER =
            new PatientRecordReader(KNOWLEDGE.agents(), KNOWLEDGE.responses(), new VariantReader(KNOWLEDGE.genes()));
    private static final SerialVariantAnalyzer ANALYZER = new SerialVariantAnalyzer(KNOWLEDGE.serialCriteria());

    private static Observation result(String date, String hgnc, String symbol, String change, Double vaf) {
        Observation variant = Fixtures.somatic(Fixtures.variant(hgnc, symbol, change));
        variant.setEffective(new DateTimeType(date));
        if (vaf != null) {
            variant.addComponent()
                    .setCode(new CodeableConcept(new Coding(LOINC, "81258-6", "Sample variant allelic frequency")))
                    .setValue(new Quantity().setValue(vaf).setUnit("%").setSystem("http://unitsofmeasure.org").setCode("%"));
        }
        return variant;
    }

    private static Observation absent(String date, String hgnc, String symbol, String change) {
        Observation variant = result(date, hgnc, symbol, change, null);
        variant.setValue(new CodeableConcept(new Coding(LOINC, "LA9634-2", "Absent")));
        return variant;
    }

    private static SerialAnalysis analyze(Resource... data) {
        List<Resource> resources = new ArrayList<>();
        resources.add(Fixtures.patient());
        resources.add(Fixtures.pembrolizumab("2023-01-10", null));
        resources.addAll(List.of(data));
        PatientRecord record = READER.read(Fixtures.PATIENT, resources, LocalDate.parse("2024-10-01"));
        return ANALYZER.analyze(record);
    }

    private static VariantSeries only(SerialAnalysis analysis) {
        assertThat(analysis.series()).hasSize(1);
        return analysis.series().get(0);
    }

    @Test
    void negativeBeforeTheFirstDoseAndPositiveLaterIsEmergent() {
        VariantSeries jak1 = only(analyze(
                absent("2023-01-05", "HGNC:6190", "JAK1", "p.Gln503Ter"),
                result("2024-04-20", "HGNC:6190", "JAK1", "p.Gln503Ter", 3.1)));
        assertThat(jak1.dynamics()).containsExactly(VariantDynamics.EMERGENT);
        assertThat(jak1.points()).extracting(VariantPoint::detected).containsExactly(false, true);
        assertThat(jak1.reasons().get(0)).contains("2023-01-05", "2023-01-10", "2024-04-20", "3.1 %", "emergent");
    }

    @Test
    void aNegativeOnTheDayOfTheFirstDoseStillCountsAsBaseline() {
        assertThat(only(analyze(
                absent("2023-01-10", "HGNC:6190", "JAK1", "p.Gln503Ter"),
                result("2024-04-20", "HGNC:6190", "JAK1", "p.Gln503Ter", 3.1))).dynamics())
                .containsExactly(VariantDynamics.EMERGENT);
    }

    @Test
    void detectedOnOrBeforeTheFirstDoseIsPreExisting() {
        VariantSeries stk11 = only(analyze(
                result("2022-12-15", "HGNC:11389", "STK11", "p.Gln37Ter", 22.0),
                result("2024-04-20", "HGNC:11389", "STK11", "p.Gln37Ter", 9.5)));
        assertThat(stk11.dynamics()).containsExactly(VariantDynamics.PRE_EXISTING, VariantDynamics.FALLING);
    }

    @Test
    void withoutABaselineSampleEmergenceCannotBeTold() {
        assertThat(only(analyze(result("2024-04-20", "HGNC:6190", "JAK1", "p.Gln503Ter", 3.1))).dynamics())
                .containsExactly(VariantDynamics.NO_BASELINE);
    }

    @Test
    void notDetectedInTheLatestSampleIsCleared() {
        VariantSeries kras = only(analyze(
                result("2023-01-05", "HGNC:6407", "KRAS", "p.Gly12Cys", 12.0),
                result("2023-04-03", "HGNC:6407", "KRAS", "p.Gly12Cys", 0.8),
                absent("2024-04-20", "HGNC:6407", "KRAS", "p.Gly12Cys")));
        assertThat(kras.dynamics()).containsExactlyInAnyOrder(VariantDynamics.PRE_EXISTING, VariantDynamics.CLEARED);
        assertThat(kras.latestDetected()).get().extracting(VariantPoint::date).isEqualTo(LocalDate.parse("2023-04-03"));
    }

    @Test
    void anAlleleFrequencyOfZeroIsNotADetection() {
        VariantSeries kras = only(analyze(
                result("2023-01-05", "HGNC:6407", "KRAS", "p.Gly12Cys", 12.0),
                result("2024-04-20", "HGNC:6407", "KRAS", "p.Gly12Cys", 0.0)));
        assertThat(kras.dynamics()).contains(VariantDynamics.CLEARED);
    }

    @Test
    void risingNeedsTheRiseFactorFromTheLibrary() {
        assertThat(KNOWLEDGE.serialCriteria().riseFactor()).isEqualTo(2.0);
        VariantSeries doubled = only(analyze(
                absent("2023-01-05", "HGNC:7881", "NOTCH1", "p.Arg1598Ter"),
                result("2024-04-20", "HGNC:7881", "NOTCH1", "p.Arg1598Ter", 1.2),
                result("2024-06-15", "HGNC:7881", "NOTCH1", "p.Arg1598Ter", 2.4)));
        assertThat(doubled.dynamics()).containsExactlyInAnyOrder(VariantDynamics.EMERGENT, VariantDynamics.RISING);
        VariantSeries almost = only(analyze(
                result("2024-04-20", "HGNC:7881", "NOTCH1", "p.Arg1598Ter", 1.2),
                result("2024-06-15", "HGNC:7881", "NOTCH1", "p.Arg1598Ter", 2.3)));
        assertThat(almost.dynamics()).containsExactly(VariantDynamics.NO_BASELINE);
    }

    @Test
    void aFractionIsReadAsPercent() {
        Observation fraction = result("2024-04-20", "HGNC:6190", "JAK1", "p.Gln503Ter", null);
        fraction.addComponent()
                .setCode(new CodeableConcept(new Coding(LOINC, "81258-6", null)))
                .setValue(new Quantity().setValue(0.031).setSystem("http://unitsofmeasure.org").setCode("1"));
        assertThat(only(analyze(fraction)).points().get(0).alleleFrequency()).isCloseTo(3.1, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void differentChangesOfOneGeneAreDifferentSeriesAndAGeneLevelNegativeCoversBoth() {
        Observation geneNegative = absent("2023-01-05", "HGNC:6190", "JAK1", null);
        SerialAnalysis analysis = analyze(geneNegative,
                result("2024-04-20", "HGNC:6190", "JAK1", "p.Gln503Ter", 3.1),
                result("2024-04-20", "HGNC:6190", "JAK1", "p.Trp690Ter", 1.0));
        assertThat(analysis.series()).hasSize(2)
                .allSatisfy(s -> assertThat(s.dynamics()).containsExactly(VariantDynamics.EMERGENT));
    }

    @Test
    void theSameChangeWithAndWithoutReferenceSequenceIsOneSeries() {
        SerialAnalysis analysis = analyze(
                result("2022-12-01", "HGNC:6190", "JAK1", "NP_002218.2:p.(Gln503*)", 5.0),
                result("2024-04-20", "HGNC:6190", "JAK1", "p.Gln503Ter", 5.0));
        assertThat(only(analysis).points()).hasSize(2);
        assertThat(only(analysis).dynamics()).containsExactly(VariantDynamics.PRE_EXISTING);
    }

    @Test
    void samplesAreToldApartByMethodOrSpecimenType() {
        Specimen plasma = new Specimen();
        plasma.setId("plasma1");
        plasma.getType().addCoding(new Coding("http://snomed.info/sct", "119361006", "Plasma specimen"));
        Observation fromSpecimen = result("2024-04-20", "HGNC:6190", "JAK1", "p.Gln503Ter", 3.1);
        fromSpecimen.setSpecimen(new Reference("Specimen/plasma1"));
        Observation tissue = result("2022-12-15", "HGNC:6190", "JAK1", "p.Gln503Ter", 10.0);
        tissue.getMethod().addCoding(new Coding(org.resistancecds.knowledge.KnowledgeCodes.DIAGNOSTIC_METHOD_SYSTEM, "tissue-ngs", null));
        VariantSeries series = only(analyze(plasma, fromSpecimen, tissue));
        assertThat(series.points()).extracting(VariantPoint::sample).containsExactly("tissue", "plasma");
    }

    @Test
    void withoutExposureThereIsNoAnchorButStillATrajectory() {
        List<Resource> resources = List.of(Fixtures.patient(),
                result("2023-01-05", "HGNC:6407", "KRAS", "p.Gly12Cys", 2.0),
                result("2024-04-20", "HGNC:6407", "KRAS", "p.Gly12Cys", 8.0));
        SerialAnalysis analysis = ANALYZER.analyze(READER.read(Fixtures.PATIENT, resources, LocalDate.parse("2024-10-01")));
        assertThat(analysis.anchor()).isNull();
        assertThat(only(analysis).dynamics()).containsExactly(VariantDynamics.RISING);
    }

    @Test
    void resultsAfterTheEvaluationDateDoNotCount() {
        VariantSeries jak1 = only(analyze(
                absent("2023-01-05", "HGNC:6190", "JAK1", "p.Gln503Ter"),
                result("2024-04-20", "HGNC:6190", "JAK1", "p.Gln503Ter", 3.1),
                absent("2024-12-01", "HGNC:6190", "JAK1", "p.Gln503Ter")));
        assertThat(jak1.dynamics()).containsExactly(VariantDynamics.EMERGENT);
    }
}
