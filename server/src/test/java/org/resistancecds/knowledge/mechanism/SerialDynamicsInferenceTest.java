package org.resistancecds.knowledge.mechanism;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledge.Fixtures;
import org.resistancecds.knowledge.KnowledgeBase;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.record.PatientRecord;
import org.resistancecds.knowledge.record.PatientRecordReader;
import org.resistancecds.knowledge.record.VariantReader;
import org.resistancecds.knowledge.serial.SerialVariantAnalyzer;

/** The dynamics map (ConceptMap variant-dynamics-confidence) as the inferrer applies it. */
class SerialDynamicsInferenceTest {

    private static final KnowledgeBase KNOWLEDGE = Fixtures.knowledge();
    private static final PatientRecordReader READER =
            new PatientRecordReader(KNOWLEDGE.agents(), KNOWLEDGE.responses(), new VariantReader(KNOWLEDGE.genes()));
    private static final MechanismInferrer INFERRER = new MechanismInferrer(KNOWLEDGE.genes(), KNOWLEDGE.findings(),
            new VariantInterpreter(KNOWLEDGE.variantEffects()), KNOWLEDGE.dynamics());
    private static final SerialVariantAnalyzer ANALYZER = new SerialVariantAnalyzer(KNOWLEDGE.serialCriteria());

    private static Observation at(Observation variant, String date, boolean present) {
        variant.setEffective(new DateTimeType(date));
        if (!present) {
            variant.setValue(new CodeableConcept(new Coding(Fixtures.LOINC, "LA9634-2", "Absent")));
        }
        return variant;
    }

    private static MechanismFinding only(Resource... data) {
        List<Resource> resources = new ArrayList<>(List.of(Fixtures.patient(), Fixtures.pembrolizumab("2023-01-10", null)));
        resources.addAll(List.of(data));
        PatientRecord record = READER.read(Fixtures.PATIENT, resources, LocalDate.parse("2024-10-01"));
        MechanismInference inference = INFERRER.infer(record, ANALYZER.analyze(record));
        assertThat(inference.mechanisms()).hasSize(1);
        return inference.mechanisms().get(0);
    }

    @Test
    void anEmergentLossOfFunctionIsRaisedOneStep() {
        MechanismFinding finding = only(
                at(Fixtures.somatic(Fixtures.variant("HGNC:914", "B2M", "p.Gln12Ter")), "2023-01-02", false),
                at(Fixtures.somatic(Fixtures.variant("HGNC:914", "B2M", "p.Gln12Ter")), "2024-04-20", true));
        assertThat(finding.confidence()).isEqualTo("confirmed");
        assertThat(finding.reasons()).anySatisfy(r -> assertThat(r).contains("emergent under therapy", "probable -> confirmed"));
    }

    @Test
    void anEmergentMissenseOfUnknownEffectIsNotRaised() {
        MechanismFinding finding = only(
                at(Fixtures.somatic(Fixtures.variant("HGNC:914", "B2M", "p.Leu15Pro")), "2023-01-02", false),
                at(Fixtures.somatic(Fixtures.variant("HGNC:914", "B2M", "p.Leu15Pro")), "2024-04-20", true));
        assertThat(finding.confidence()).isEqualTo("possible");
    }

    @Test
    void aPreExistingChangeKeepsItsConfidenceAndSaysWhy() {
        MechanismFinding finding = only(
                at(Fixtures.somatic(Fixtures.variant("HGNC:914", "B2M", "p.Gln12Ter")), "2022-12-20", true),
                at(Fixtures.somatic(Fixtures.variant("HGNC:914", "B2M", "p.Gln12Ter")), "2024-04-20", true));
        assertThat(finding.confidence()).isEqualTo("probable");
        assertThat(finding.reasons()).anySatisfy(r -> assertThat(r).contains("primary resistance biology"));
    }

    @Test
    void aClearedChangeIsLoweredOneStep() {
        MechanismFinding finding = only(
                at(Fixtures.somatic(Fixtures.variant("HGNC:914", "B2M", "p.Gln12Ter")), "2023-03-20", true),
                at(Fixtures.somatic(Fixtures.variant("HGNC:914", "B2M", "p.Gln12Ter")), "2024-04-20", false));
        assertThat(finding.confidence()).isEqualTo("possible");
    }
}
