package org.resistancecds.knowledge.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledge.Fixtures;
import org.resistancecds.knowledge.KnowledgeBase;
import org.resistancecds.knowledge.terminology.ResponseCategory;

class PatientRecordReaderTest {

    private static final KnowledgeBase KNOWLEDGE = Fixtures.knowledge();
    private static final PatientRecordReader READER =
            new PatientRecordReader(KNOWLEDGE.agents(), KNOWLEDGE.responses(), new VariantReader(KNOWLEDGE.genes()));

    private static PatientRecord read(Resource... resources) {
        return READER.read(Fixtures.PATIENT, List.of(resources), LocalDate.parse("2024-10-01"));
    }

    private static MedicationRequest order(MedicationRequest.MedicationRequestIntent intent) {
        MedicationRequest request = new MedicationRequest();
        request.setId("mr-" + intent.toCode());
        request.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
        request.setIntent(intent);
        request.setSubject(new Reference("Patient/" + Fixtures.PATIENT));
        request.setMedication(new CodeableConcept(new Coding(Fixtures.RXNORM, "1792776", "atezolizumab")));
        request.addDosageInstruction().getTiming().getRepeat()
                .setBounds(new Period().setStartElement(new DateTimeType("2024-02-01")));
        return request;
    }

    @Test
    void ordersCountAsOngoingExposureButProposalsAndPlansDoNot() {
        PatientRecord record = read(order(MedicationRequest.MedicationRequestIntent.ORDER),
                order(MedicationRequest.MedicationRequestIntent.PROPOSAL));
        assertThat(record.exposures()).singleElement().satisfies(e -> {
            assertThat(e.agent().name()).isEqualTo("atezolizumab");
            assertThat(e.kind()).isEqualTo("order");
            assertThat(e.ongoing()).isTrue();
            assertThat(e.start()).isEqualTo(LocalDate.parse("2024-02-01"));
            assertThat(e.end()).isEqualTo(LocalDate.parse("2024-10-01"));
        });
        assertThat(record.notes()).anySatisfy(n -> assertThat(n).contains("intent proposal"));
    }

    @Test
    void medicationsAreFoundByReferenceContainedOrByName() {
        Medication keytruda = new Medication();
        keytruda.setId("med1");
        keytruda.setCode(new CodeableConcept().setText("Keytruda (pembrolizumab) 25 mg/mL"));
        MedicationStatement byReference = Fixtures.pembrolizumab("2024-01-01", null);
        byReference.setMedication(new Reference("Medication/med1"));

        MedicationStatement contained = Fixtures.pembrolizumab("2024-02-01", null);
        Medication inline = new Medication();
        inline.setId("m");
        inline.setCode(new CodeableConcept(new Coding(Fixtures.ATC, "L01FF03", "durvalumab")));
        contained.addContained(inline);
        contained.setMedication(new Reference("#m"));

        PatientRecord record = read(keytruda, byReference, contained);
        assertThat(record.exposures()).extracting(e -> e.agent().name()).containsExactly("pembrolizumab", "durvalumab");
    }

    @Test
    void anotherPatientsDataIsLeftOutWithANote() {
        Observation foreign = Fixtures.recist("PD", "2024-03-01");
        foreign.setSubject(new Reference("Patient/someone-else"));
        PatientRecord record = read(Fixtures.recist("PR", "2024-02-01"), foreign);
        assertThat(record.assessments()).extracting(ResponseAssessment::category).containsExactly(ResponseCategory.PR);
        assertThat(record.notes()).anySatisfy(n -> assertThat(n).contains("Patient/someone-else"));
    }

    @Test
    void variantsReportedAbsentOrWithoutGeneDoNotCount() {
        Observation absent = Fixtures.variant("HGNC:914", "B2M", "p.Arg12Ter");
        absent.setValue(new CodeableConcept(new Coding(Fixtures.LOINC, "LA9634-2", "Absent")));
        Observation noGene = Fixtures.variant("HGNC:914", "B2M", "p.Arg12Ter");
        noGene.getComponent().remove(0);
        PatientRecord record = read(absent, noGene);
        assertThat(record.variants()).isEmpty();
        assertThat(record.notes()).hasSize(2);
    }

    @Test
    void proteinChangesAreNormalisedFromOneLetterAndPredictedNotation() {
        PatientRecord record = read(Fixtures.variant("HGNC:6407", "KRAS", "NP_203524.1:p.(G12C)"),
                Fixtures.variant("HGNC:6190", "JAK1", "p.K142Rfs*12"));
        assertThat(record.variants()).extracting(GenomicVariant::proteinChange)
                .containsExactly("p.Gly12Cys", "p.Lys142ArgfsTer12");
    }
}
