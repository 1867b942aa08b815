package org.resistancecds.knowledge.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.resistancecds.knowledge.Fixtures.consequence;
import static org.resistancecds.knowledge.Fixtures.copyNumber;
import static org.resistancecds.knowledge.Fixtures.finding;
import static org.resistancecds.knowledge.Fixtures.germline;
import static org.resistancecds.knowledge.Fixtures.radiomics;
import static org.resistancecds.knowledge.Fixtures.somatic;
import static org.resistancecds.knowledge.Fixtures.variant;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledge.Fixtures;
import org.resistancecds.knowledge.KnowledgeBase;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.record.PatientRecordReader;
import org.resistancecds.knowledge.record.VariantReader;

class MechanismInferrerTest {

    private static final KnowledgeBase KNOWLEDGE = Fixtures.knowledge();
    private static final PatientRecordReader READER =
            new PatientRecordReader(KNOWLEDGE.agents(), KNOWLEDGE.responses(), new VariantReader(KNOWLEDGE.genes()));
    private static final MechanismInferrer INFERRER = new MechanismInferrer(
            KNOWLEDGE.genes(), KNOWLEDGE.findings(), new VariantInterpreter(KNOWLEDGE.variantEffects()));

    private static MechanismInference infer(Resource... resources) {
        List<Resource> list = new ArrayList<>(List.of(Fixtures.patient()));
        list.addAll(List.of(resources));
        return INFERRER.infer(READER.read(Fixtures.PATIENT, list, LocalDate.parse("2024-10-01")));
    }

    private static Map<String, String> confidences(MechanismInference inference) {
        return inference.mechanisms().stream()
                .collect(Collectors.toMap(MechanismFinding::code, MechanismFinding::confidence));
    }

    @Test
    void truncatingChangesInLossOfFunctionGenesAreProbable() {
        assertThat(confidences(infer(somatic(variant("HGNC:914", "B2M", "p.Arg12Ter")))))
                .containsExactly(Map.entry("antigen-presentation-defect", "probable"));
        assertThat(confidences(infer(somatic(variant("HGNC:6190", "JAK1", "p.(K142Rfs*12)")))))
                .containsExactly(Map.entry("ifn-gamma-signaling-alteration", "probable"));
        assertThat(confidences(infer(somatic(variant("HGNC:6192", "JAK2", "p.M1?")))))
                .containsEntry("ifn-gamma-signaling-alteration", "probable");
    }

    @Test
    void lossOfFunctionIsAlsoReadFromSpliceSitesConsequencesAndCopyNumber() {
        Observation splice = somatic(variant("HGNC:9588", "PTEN", null));
        splice.addComponent()
                .setCode(new CodeableConcept(new Coding(Fixtures.LOINC, "48004-6", null)))
                .setValue(new CodeableConcept(new Coding("http://varnomen.hgvs.org", "NM_000314.8:c.209+1G>T", null)));
        assertThat(confidences(infer(splice))).containsEntry("oncogenic-pathway-activation", "probable");

        assertThat(confidences(infer(consequence(somatic(variant("HGNC:23177", "KEAP1", null)), "SO:0001587"))))
                .containsEntry("oncogenic-pathway-activation", "probable");
        assertThat(confidences(infer(copyNumber(somatic(variant("HGNC:914", "B2M", null)), 0))))
                .containsEntry("antigen-presentation-defect", "probable");
        // An intronic change beyond the canonical +/-1,2 positions says nothing about splicing.
        Observation deepIntronic = somatic(variant("HGNC:9588", "PTEN", null));
        deepIntronic.addComponent()
                .setCode(new CodeableConcept(new Coding(Fixtures.LOINC, "48004-6", null)))
                .setValue(new CodeableConcept(new Coding("http://varnomen.hgvs.org", "c.209+12G>T", null)));
        assertThat(confidences(infer(deepIntronic))).containsEntry("oncogenic-pathway-activation", "possible");
    }

    @Test
    void missenseOfUnknownFunctionIsAtMostPossible() {
        MechanismInference inference = infer(somatic(variant("HGNC:11389", "STK11", "p.Asp194Tyr")));
        assertThat(confidences(inference)).containsExactly(Map.entry("oncogenic-pathway-activation", "possible"));
        assertThat(inference.mechanisms().get(0).reasons())
                .anySatisfy(r -> assertThat(r).contains("missense change of unknown function").contains("at most possible"));
    }

    @Test
    void activatingChangesCountForOncogenesAndNeverAsLossOfFunction() {
        assertThat(confidences(infer(somatic(variant("HGNC:6407", "KRAS", "p.G12C")))))
                .containsExactly(Map.entry("oncogenic-pathway-activation", "probable"));
        // An explicit gain-of-function annotation in a tumour suppressor does not make it a loss.
        MechanismInference gainInStk11 = infer(consequence(somatic(variant("HGNC:11389", "STK11", "p.Asp194Tyr")), "SO:0002053"));
        assertThat(gainInStk11.mechanisms()).isEmpty();
        assertThat(gainInStk11.notes()).anySatisfy(n -> assertThat(n).contains("counts only with loss of function"));
        // A truncating KRAS change is not activating.
        MechanismInference truncatingKras = infer(somatic(variant("HGNC:6407", "KRAS", "p.Gln22Ter")));
        assertThat(truncatingKras.mechanisms()).isEmpty();
        // An unlisted KRAS missense: effect unknown, possible.
        assertThat(confidences(infer(somatic(variant("HGNC:6407", "KRAS", "p.Ala146Thr")))))
                .containsEntry("oncogenic-pathway-activation", "possible");
    }

    @Test
    void germlineVariantsAreReportedButNotCounted() {
        Observation b2m = germline(variant("HGNC:914", "B2M", "p.Arg12Ter"));
        MechanismInference inference = infer(b2m);
        assertThat(inference.mechanisms()).isEmpty();
        assertThat(inference.germline()).extracting(v -> v.source()).containsExactly("Observation/" + b2m.getIdPart());
        assertThat(inference.notes()).anySatisfy(n -> assertThat(n).contains("germline"));
    }

    @Test
    void unknownGenesAndSynonymousChangesDoNotCount() {
        MechanismInference inference = infer(somatic(variant("HGNC:7881", "NOTCH1", "p.Arg12Ter")),
                somatic(variant("HGNC:914", "B2M", "p.Leu13=")));
        assertThat(inference.mechanisms()).isEmpty();
        assertThat(inference.notes()).anySatisfy(n -> assertThat(n).contains("NOTCH1").contains("not linked"));
        assertThat(inference.notes()).anySatisfy(n -> assertThat(n).contains("synonymous"));
    }

    @Test
    void genesAreRecognisedBySymbolOrMiiGeneIdToo() {
        Observation bySymbol = variant("JAK1", null, "p.Arg12Ter");
        Observation byGeneId = variant("6192", "JAK2", "p.Arg12Ter");
        byGeneId.getComponentFirstRep().getValueCodeableConcept().getCodingFirstRep()
                .setSystem("http://www.genenames.org/geneId");
        MechanismInference inference = infer(bySymbol, byGeneId);
        assertThat(inference.contributions()).extracting(c -> c.findingValue().getCodingFirstRep().getCode())
                .containsExactlyInAnyOrder("HGNC:6190", "HGNC:6192");
    }

    @Test
    void preliminaryFindingsCountOneStepLowerAndEnteredInErrorNotAtAll() {
        assertThat(confidences(infer(Fixtures.status(somatic(variant("HGNC:914", "B2M", "p.Arg12Ter")),
                        Observation.ObservationStatus.PRELIMINARY))))
                .containsEntry("antigen-presentation-defect", "possible");
        assertThat(infer(Fixtures.status(somatic(variant("HGNC:914", "B2M", "p.Arg12Ter")),
                        Observation.ObservationStatus.ENTEREDINERROR)).mechanisms())
                .isEmpty();
    }

    @Test
    void tmeFindingsMapToTheirCategoriesWhenTheResultSaysSo() {
        assertThat(confidences(infer(finding("treg-infiltration", "H"))))
                .containsExactly(Map.entry("immunosuppressive-cell-infiltration", "probable"));
        assertThat(confidences(infer(finding("lactate-glycolysis", "POS"))))
                .containsExactly(Map.entry("metabolic-reprogramming", "probable"));
        assertThat(confidences(infer(Fixtures.booleanFinding("caf-collagen-barrier", true))))
                .containsExactly(Map.entry("physical-barrier-hypoxia", "probable"));
        assertThat(confidences(infer(finding("tap2-expression", "L"))))
                .containsExactly(Map.entry("antigen-presentation-defect", "probable"));
        assertThat(infer(finding("treg-infiltration", "L")).mechanisms()).isEmpty();
        // Radiomics is an inference from images: at most possible.
        assertThat(confidences(infer(radiomics("excluded"))))
                .containsExactly(Map.entry("physical-barrier-hypoxia", "possible"));
        assertThat(infer(radiomics("inflamed")).mechanisms()).isEmpty();
    }

    @Test
    void independentGenomicAndTissueEvidenceConfirmAMechanism() {
        MechanismInference inference = infer(somatic(variant("HGNC:44", "TAP2", "p.Trp100Ter")), finding("tap2-expression", "L"));
        assertThat(confidences(inference)).containsExactly(Map.entry("antigen-presentation-defect", "confirmed"));
        assertThat(inference.mechanisms().get(0).evidence()).hasSize(2);
    }

    @Test
    void aLaboratoryResistanceStatementConfirms() {
        Observation stk11 = somatic(variant("HGNC:11389", "STK11", "p.Asp194Tyr"));
        Observation implication = new Observation();
        implication.setId("impl1");
        implication.setStatus(Observation.ObservationStatus.FINAL);
        implication.setSubject(new Reference("Patient/" + Fixtures.PATIENT));
        implication.setCode(new CodeableConcept(new Coding(
                "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs", "therapeutic-implication", null)));
        implication.addDerivedFrom(new Reference("Observation/" + stk11.getIdPart()));
        Fixtures.withComponent(implication, "51963-7",
                new CodeableConcept(new Coding(Fixtures.RXNORM, "1547545", "pembrolizumab")));
        Fixtures.withComponent(implication, "53037-8", new CodeableConcept(new Coding(Fixtures.LOINC, "LA6676-6", "Resistant")));
        assertThat(confidences(infer(stk11, implication))).containsEntry("oncogenic-pathway-activation", "confirmed");
    }

    @Test
    void multipleMechanismsAreListedStrongestFirst() {
        MechanismInference inference = infer(somatic(variant("HGNC:6190", "JAK1", "p.Arg12Ter")),
                somatic(variant("HGNC:11389", "STK11", "p.Asp194Tyr")), finding("treg-infiltration", "H"),
                radiomics("excluded"));
        assertThat(inference.mechanisms()).extracting(MechanismFinding::code).containsExactly(
                "ifn-gamma-signaling-alteration", "immunosuppressive-cell-infiltration",
                "oncogenic-pathway-activation", "physical-barrier-hypoxia");
    }
}
