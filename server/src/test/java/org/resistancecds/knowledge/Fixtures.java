package org.resistancecds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/** Builders for the plain resources the unit tests feed the engine, shaped as real systems send them. */
public final class Fixtures {

    public static final String PATIENT = "p1";
    public static final String LOINC = "http://loinc.org";
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public static final String ATC = "http://www.whocc.no/atc";
    public static final String HGNC = "http://www.genenames.org";
    public static final String SO = "http://www.sequenceontology.org";
    public static final String V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    private static KnowledgeBase knowledge;
    private static int counter;

    private Fixtures() {}

    /** The real knowledge, from the classpath, loaded once for all tests. */
    public static synchronized KnowledgeBase knowledge() {
        if (knowledge == null) {
            knowledge = KnowledgeLoader.load(FhirContext.forR4Cached());
        }
        return knowledge;
    }

    public static Patient patient() {
        Patient patient = new Patient();
        patient.setId(PATIENT);
        return patient;
    }

    private static String next(String prefix) {
        return prefix + (++counter);
    }

    public static MedicationStatement pembrolizumab(String start, String end) {
        return statement(RXNORM, "1547545", "pembrolizumab", start, end);
    }

    public static MedicationStatement statement(String system, String code, String display, String start, String end) {
        MedicationStatement statement = new MedicationStatement();
        statement.setId(next("ms"));
        statement.setStatus(end == null
                ? MedicationStatement.MedicationStatementStatus.ACTIVE
                : MedicationStatement.MedicationStatementStatus.COMPLETED);
        statement.setMedication(new CodeableConcept(new Coding(system, code, display)));
        statement.setSubject(new Reference("Patient/" + PATIENT));
        Period period = new Period().setStartElement(new DateTimeType(start));
        if (end != null) {
            period.setEndElement(new DateTimeType(end));
        }
        statement.setEffective(period);
        return statement;
    }

    public static MedicationAdministration administration(String code, String date) {
        MedicationAdministration administration = new MedicationAdministration();
        administration.setId(next("ma"));
        administration.setStatus(MedicationAdministration.MedicationAdministrationStatus.COMPLETED);
        administration.setMedication(new CodeableConcept(new Coding(RXNORM, code, null)));
        administration.setSubject(new Reference("Patient/" + PATIENT));
        administration.setEffective(new DateTimeType(date));
        return administration;
    }

    /** A RECIST / iRECIST category as the value of a disease-status Observation. */
    public static Observation recist(String category, String date) {
        Observation observation = observation("resp", date);
        observation.setCode(new CodeableConcept(new Coding(LOINC, "97509-4", "Cancer disease progression")));
        observation.setValue(new CodeableConcept(new Coding(KnowledgeCodes.RESPONSE_SYSTEM, category, category)));
        return observation;
    }

    /** An mCODE disease-status trend (SNOMED CT). */
    public static Observation trend(String snomed, String date) {
        Observation observation = observation("dst", date);
        observation.setCode(new CodeableConcept(new Coding(LOINC, "97509-4", "Cancer disease progression")));
        observation.setValue(new CodeableConcept(new Coding(SNOMED, snomed, null)));
        return observation;
    }

    /** A Genomics Reporting variant with gene (HGNC id) and p.HGVS. */
    public static Observation variant(String hgnc, String symbol, String proteinChange) {
        Observation observation = observation("var", "2024-09-01");
        observation.setCode(new CodeableConcept(new Coding(LOINC, "69548-6", "Genetic variant assessment")));
        observation.setValue(new CodeableConcept(new Coding(LOINC, "LA9633-4", "Present")));
        observation.addComponent()
                .setCode(new CodeableConcept(new Coding(LOINC, "48018-6", "Gene studied")))
                .setValue(new CodeableConcept(new Coding(HGNC, hgnc, symbol)));
        if (proteinChange != null) {
            observation.addComponent()
                    .setCode(new CodeableConcept(new Coding(LOINC, "48005-3", "Amino acid change (pHGVS)")))
                    .setValue(new CodeableConcept(new Coding("http://varnomen.hgvs.org", proteinChange, null)));
        }
        return observation;
    }

    public static Observation withComponent(Observation observation, String loinc, CodeableConcept value) {
        observation.addComponent().setCode(new CodeableConcept(new Coding(LOINC, loinc, null))).setValue(value);
        return observation;
    }

    public static Observation somatic(Observation variant) {
        return withComponent(variant, "48002-0", new CodeableConcept(new Coding(LOINC, "LA6684-0", "Somatic")));
    }

    public static Observation germline(Observation variant) {
        return withComponent(variant, "48002-0", new CodeableConcept(new Coding(LOINC, "LA6683-2", "Germline")));
    }

    public static Observation consequence(Observation variant, String soCode) {
        return withComponent(variant, "48019-4", new CodeableConcept(new Coding(SO, soCode, null)));
    }

    public static Observation copyNumber(Observation variant, int copies) {
        variant.addComponent()
                .setCode(new CodeableConcept(new Coding(LOINC, "82155-3", "Genomic structural variant copy number")))
                .setValue(new Quantity(copies));
        return variant;
    }

    /** A finding of the resistance-biomarker CodeSystem with an HL7 v3 interpretation. */
    public static Observation finding(String code, String interpretation) {
        Observation observation = observation("tme", "2024-09-01");
        observation.setCode(new CodeableConcept(new Coding(KnowledgeCodes.BIOMARKER_SYSTEM, code, code)));
        observation.addInterpretation(new CodeableConcept(new Coding(V3, interpretation, null)));
        observation.setValue(new StringType("see interpretation"));
        return observation;
    }

    public static Observation booleanFinding(String code, boolean value) {
        Observation observation = observation("tme", "2024-09-01");
        observation.setCode(new CodeableConcept(new Coding(KnowledgeCodes.BIOMARKER_SYSTEM, code, code)));
        observation.setValue(new BooleanType(value));
        return observation;
    }

    public static Observation radiomics(String phenotype) {
        Observation observation = observation("rad", "2024-09-01");
        observation.setCode(new CodeableConcept(
                new Coding(KnowledgeCodes.BIOMARKER_SYSTEM, "radiomics-immune-phenotype", "Radiomics immune phenotype")));
        observation.setValue(new CodeableConcept(new Coding(KnowledgeCodes.BIOMARKER_SYSTEM, phenotype, phenotype)));
        return observation;
    }

    public static <T extends Observation> T status(T observation, Observation.ObservationStatus status) {
        observation.setStatus(status);
        return observation;
    }

    private static Observation observation(String prefix, String date) {
        Observation observation = new Observation();
        observation.setId(next(prefix));
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setSubject(new Reference("Patient/" + PATIENT));
        observation.setEffective(new DateTimeType(date));
        return observation;
    }

    /** The classic course of acquired resistance: pembrolizumab, PR, then confirmed PD on treatment. */
    public static List<Resource> acquiredResistanceCourse() {
        List<Resource> resources = new ArrayList<>();
        resources.add(patient());
        resources.add(pembrolizumab("2023-01-10", null));
        resources.add(recist("PR", "2023-04-01"));
        resources.add(recist("PR", "2023-07-01"));
        resources.add(recist("PD", "2024-03-01"));
        resources.add(recist("PD", "2024-04-05"));
        return resources;
    }

    public static Instant asOf(String day) {
        return LocalDate.parse(day).atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
    }

    public static EvaluationRequest request(String trigger, List<Resource> resources, List<Resource> draftOrders) {
        return new EvaluationRequest(PATIENT, trigger, resources, draftOrders, asOf("2024-10-01"));
    }

    public static DateType day(String value) {
        return new DateType(value);
    }
}
