package org.resistancecds.monitoring;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.knowledge.KnowledgeCodes;

/** Resources of a patient's course as a lab or EHR would write them, for the monitoring tests and benchmark. */
public final class MonitoringData {

    private static final String LOINC = "http://loinc.org";

    private MonitoringData() {}

    public static Patient patient(String id) {
        Patient patient = new Patient();
        patient.setId(id);
        patient.setActive(true);
        return patient;
    }

    public static MedicationStatement pembrolizumab(String patient, String id, String start) {
        MedicationStatement statement = new MedicationStatement();
        statement.setId(id);
        statement.setStatus(MedicationStatement.MedicationStatementStatus.ACTIVE);
        statement.setMedication(new CodeableConcept(
                new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "1547545", "pembrolizumab")));
        statement.setSubject(new Reference("Patient/" + patient));
        statement.setEffective(new Period().setStartElement(new DateTimeType(start)));
        return statement;
    }

    public static Observation response(String patient, String id, String date, String category) {
        Observation observation = new Observation();
        observation.setId(id);
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding(LOINC, "97509-4", "Cancer disease progression")));
        observation.setSubject(new Reference("Patient/" + patient));
        observation.setEffective(new DateTimeType(date));
        observation.setValue(new CodeableConcept(new Coding(KnowledgeCodes.RESPONSE_SYSTEM, category, category)));
        return observation;
    }

    /** A somatic plasma ctDNA variant with its allele frequency (percent); present unless the frequency is null. */
    public static Observation ctdna(String patient, String id, String date, String hgnc, String symbol, String protein,
            Double vafPercent) {
        Observation observation = new Observation();
        observation.setId(id);
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding(LOINC, "69548-6", "Genetic variant assessment")));
        observation.setSubject(new Reference("Patient/" + patient));
        observation.setEffective(new DateTimeType(date));
        observation.setValue(new CodeableConcept(vafPercent == null
                ? new Coding(LOINC, "LA9634-2", "Absent") : new Coding(LOINC, "LA9633-4", "Present")));
        observation.setMethod(new CodeableConcept(
                new Coding(KnowledgeCodes.DIAGNOSTIC_METHOD_SYSTEM, "liquid-biopsy-ctdna", "Liquid biopsy (ctDNA)")));
        observation.addComponent().setCode(new CodeableConcept(new Coding(LOINC, "48018-6", "Gene studied [ID]")))
                .setValue(new CodeableConcept(new Coding("http://www.genenames.org", hgnc, symbol)));
        observation.addComponent().setCode(new CodeableConcept(new Coding(LOINC, "48005-3", "Amino acid change (pHGVS)")))
                .setValue(new CodeableConcept(new Coding("http://varnomen.hgvs.org", protein, null)));
        observation.addComponent().setCode(new CodeableConcept(new Coding(LOINC, "48002-0", "Genomic source class [Type]")))
                .setValue(new CodeableConcept(new Coding(LOINC, "LA6684-0", "Somatic")));
        if (vafPercent != null) {
            observation.addComponent()
                    .setCode(new CodeableConcept(new Coding(LOINC, "81258-6", "Sample variant allelic frequency [NFr]")))
                    .setValue(new Quantity().setValue(vafPercent).setUnit("%").setSystem("http://unitsofmeasure.org").setCode("%"));
        }
        return observation;
    }

    /** A transaction that PUTs each resource by its id. */
    public static Bundle transaction(Resource... resources) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Resource resource : resources) {
            bundle.addEntry().setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
        }
        return bundle;
    }

    /** A patient on pembrolizumab since 2023-01-10 with two partial responses: responding. */
    public static Bundle respondingCourse(String patient) {
        return transaction(patient(patient),
                pembrolizumab(patient, patient + "-ms", "2023-01-10"),
                response(patient, patient + "-r1", "2023-04-01", "PR"),
                response(patient, patient + "-r2", "2023-07-01", "PR"));
    }

    /** Progression and its confirmation on treatment: acquired resistance. */
    public static Bundle confirmedProgression(String patient) {
        return transaction(
                response(patient, patient + "-r3", "2024-03-01", "PD"),
                response(patient, patient + "-r4", "2024-04-05", "PD"));
    }
}
