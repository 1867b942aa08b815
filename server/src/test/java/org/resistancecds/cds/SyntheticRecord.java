package org.resistancecds.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A synthetic NSCLC patient on pembrolizumab with a record of a chosen size (one Patient, one Condition,
 * fortnightly administrations, one active order, the rest Observations), for tests and the benchmark. It can
 * be stored (a transaction of PUTs, so ids are stable) or sent as a CDS Hooks prefetch.
 */
public final class SyntheticRecord {

    private final String patientId;
    private final List<Resource> resources = new ArrayList<>();

    public SyntheticRecord(String patientId, int size) {
        this.patientId = patientId;
        Reference subject = new Reference("Patient/" + patientId);
        Patient patient = new Patient();
        patient.setId(patientId);
        patient.setGender(AdministrativeGender.FEMALE);
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1958-04-12"));
        resources.add(patient);

        Condition nsclc = new Condition();
        nsclc.setId(patientId + "-nsclc");
        nsclc.setSubject(subject);
        nsclc.setClinicalStatus(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")));
        nsclc.setCode(new CodeableConcept(new Coding(
                "http://snomed.info/sct", "254637007", "Non-small cell lung cancer")));
        resources.add(nsclc);

        MedicationRequest order = new MedicationRequest();
        order.setId(patientId + "-order");
        order.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
        order.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        order.setMedication(pembrolizumab());
        order.setSubject(subject);
        resources.add(order);

        int administrations = Math.max(1, (size - 3) / 10);
        for (int i = 0; i < administrations && resources.size() < size; i++) {
            MedicationAdministration administration = new MedicationAdministration();
            administration.setId(patientId + "-ma-" + i);
            administration.setStatus(MedicationAdministration.MedicationAdministrationStatus.COMPLETED);
            administration.setMedication(pembrolizumab());
            administration.setSubject(subject);
            administration.setEffective(new DateTimeType(String.format("2023-%02d-%02d", 1 + (i / 2) % 12, 1 + 14 * (i % 2))));
            resources.add(administration);
        }
        for (int i = 0; resources.size() < size; i++) {
            Observation observation = new Observation();
            observation.setId(patientId + "-obs-" + i);
            observation.setStatus(Observation.ObservationStatus.FINAL);
            observation.setSubject(subject);
            observation.setEffective(new DateTimeType(String.format("2023-%02d-%02d", 1 + i % 12, 1 + i % 28)));
            if (i % 2 == 0) {
                observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "94076-7", null)));
                observation.setValue(new Quantity().setValue(5 + i % 10).setUnit("mutations/Mb"));
            } else {
                observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "83053-9", null)));
                observation.setValue(new Quantity().setValue(i % 100).setUnit("%")
                        .setSystem("http://unitsofmeasure.org").setCode("%"));
            }
            resources.add(observation);
        }
    }

    public String patientId() {
        return patientId;
    }

    public List<Resource> resources() {
        return resources;
    }

    public long count(String type) {
        return resources.stream().filter(r -> r.fhirType().equals(type)).count();
    }

    /** A transaction that stores the record with its own ids. */
    public Bundle transaction() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Resource resource : resources) {
            bundle.addEntry()
                    .setResource(resource)
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
        }
        return bundle;
    }

    /** The prefetch object for {@link ResistanceCdsService}'s templates, as an EHR would send it. */
    public String prefetchJson(FhirContext fhirContext) {
        IParser parser = fhirContext.newJsonParser();
        StringBuilder json = new StringBuilder("{");
        json.append("\"patient\":").append(parser.encodeResourceToString(resources.get(0)));
        json.append(",\"observations\":").append(parser.encodeResourceToString(searchset("Observation")));
        json.append(",\"conditions\":").append(parser.encodeResourceToString(searchset("Condition")));
        json.append(",\"medicationStatements\":").append(parser.encodeResourceToString(searchset("MedicationStatement")));
        json.append(",\"medicationAdministrations\":")
                .append(parser.encodeResourceToString(searchset("MedicationAdministration")));
        json.append(",\"medicationRequests\":").append(parser.encodeResourceToString(searchset("MedicationRequest")));
        return json.append('}').toString();
    }

    private Bundle searchset(String type) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        resources.stream().filter(r -> r.fhirType().equals(type)).forEach(r -> bundle.addEntry().setResource(r));
        bundle.setTotal(bundle.getEntry().size());
        return bundle;
    }

    private static CodeableConcept pembrolizumab() {
        return new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "1547545", "pembrolizumab"));
    }
}
