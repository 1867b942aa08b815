package org.resistancecds.cohort;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The part of a patient that Synthea would give when its output is not used: the Patient, the NSCLC Condition and
 * a configurable number of routine vital-sign Observations (body weight, heart rate) before the evaluation date,
 * which make up the bulk of a real record and of the ingest load.
 */
public final class BasePatientFactory {

    public static final String PATIENT_KEY_SYSTEM = "https://resistance-cds.org/fhir/sid/cohort-patient";
    private static final String LOINC = "http://loinc.org";
    private static final String UCUM = "http://unitsofmeasure.org";
    private static final List<String> GIVEN = List.of("Alex", "Maria", "Jan", "Aiko", "Omar", "Lena", "Ravi", "Sofia");
    private static final List<String> FAMILY = List.of("Novak", "Silva", "Okafor", "Lindqvist", "Moreau", "Kowalski");

    /** Starts a transaction with the base resources; returns the Patient entry's fullUrl. */
    public String addBase(Bundle transaction, String key, LocalDate asOf, int vitalSigns, Random random) {
        String patientUrl = Uuids.urn(random);
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(PATIENT_KEY_SYSTEM).setValue(key);
        patient.addName().setFamily(pick(FAMILY, random)).addGiven(pick(GIVEN, random));
        patient.setGender(random.nextBoolean() ? Enumerations.AdministrativeGender.FEMALE
                : Enumerations.AdministrativeGender.MALE);
        patient.setBirthDateElement(new DateType(date(asOf.minusYears(50 + random.nextInt(35))
                .minusDays(random.nextInt(365)))));
        add(transaction, patientUrl, patient);

        Condition nsclc = new Condition();
        nsclc.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null));
        nsclc.setVerificationStatus(
                concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null));
        nsclc.addCategory(concept(
                "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", null));
        nsclc.setCode(concept("http://snomed.info/sct", "254637007", "Non-small cell lung cancer"));
        nsclc.setSubject(new Reference(patientUrl));
        nsclc.setOnset(new DateTimeType(date(asOf.minusDays(800 + random.nextInt(300))),
                ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY));
        add(transaction, Uuids.urn(random), nsclc);

        double weight = 55 + random.nextInt(35);
        for (int i = 0; i < vitalSigns; i++) {
            LocalDate when = asOf.minusDays(21L * (vitalSigns - i));
            boolean weightReading = i % 2 == 0;
            weight += (random.nextDouble() - 0.6) * 0.8;
            add(transaction, Uuids.urn(random), weightReading
                    ? vitalSign(patientUrl, when, "29463-7", "Body weight", Math.round(weight * 10) / 10.0, "kg")
                    : vitalSign(patientUrl, when, "8867-4", "Heart rate", 60 + random.nextInt(40), "/min"));
        }
        return patientUrl;
    }

    private static Observation vitalSign(
            String patientUrl, LocalDate when, String loinc, String display, double value, String unit) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.addCategory(concept(
                "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs"));
        observation.setCode(concept(LOINC, loinc, display));
        observation.setSubject(new Reference(patientUrl));
        observation.setEffective(new DateTimeType(date(when), ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY));
        observation.setValue(new Quantity().setValue(value).setUnit(unit).setSystem(UCUM).setCode(unit));
        return observation;
    }

    private static void add(Bundle transaction, String fullUrl, Resource resource) {
        transaction.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display));
    }

    private static Date date(LocalDate day) {
        return Date.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    private static String pick(List<String> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }
}
