package org.resistancecds.monitoring;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Specimen;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * The patients whose assessment a write can change: what the engine reads of a patient (its Observations, our own
 * assessments aside, Specimens, medication statements, administrations and orders), and, for a Medication, the
 * patients whose medication resources name it (a drug recoded from pembrolizumab to carboplatin changes their
 * exposure). Only patients of this server: a subject on another server is not ours to assess.
 */
class ChangedPatients {

    private static final List<String> MEDICATION_USES =
            List.of("MedicationStatement", "MedicationAdministration", "MedicationRequest");

    private final DaoRegistry daoRegistry;

    ChangedPatients(DaoRegistry daoRegistry) {
        this.daoRegistry = daoRegistry;
    }

    /**
     * For a create: only the resource's own patient. A Medication just created is named by nothing stored before
     * (references are checked on write), and what names it in the same transaction triggers for itself.
     */
    Set<String> ofCreated(IBaseResource resource) {
        return patientOf(resource).map(Set::of).orElse(Set.of());
    }

    /** For an update: a result moved to another chart changes both patients' assessments. */
    Set<String> ofUpdated(IBaseResource before, IBaseResource after) {
        Set<String> patients = new LinkedHashSet<>();
        if (before != null) {
            patientOf(before).ifPresent(patients::add);
        }
        patients.addAll(ofChanged(after));
        return patients;
    }

    /**
     * For a delete: as for an update, and for one of the assessments the server maintains, its patient, whose
     * assessment is then stored again (a client may delete it, but not replace it); for a Patient, the patient, whose
     * run then removes what a run racing the delete stored about it.
     */
    Set<String> ofDeleted(IBaseResource resource) {
        Set<String> patients = ofChanged(resource);
        if (resource instanceof Patient patient && patient.getIdElement().hasIdPart()) {
            patients.add(patient.getIdElement().getIdPart());
        }
        if (resource instanceof Observation observation
                && KnowledgeCodes.isDerivedAssessmentId(observation.getIdElement().getIdPart())) {
            localPatient(observation.getSubject()).ifPresent(patients::add);
        }
        return patients;
    }

    /** The patient of a changed resource, or those whose medications name a changed drug. */
    private Set<String> ofChanged(IBaseResource resource) {
        Set<String> patients = new LinkedHashSet<>();
        patientOf(resource).ifPresent(patients::add);
        if (resource instanceof Medication medication && medication.getIdElement().hasIdPart()) {
            patients.addAll(usersOf(medication.getIdElement()));
        }
        return patients;
    }

    private Set<String> usersOf(IIdType medication) {
        Set<String> patients = new LinkedHashSet<>();
        String reference = "Medication/" + medication.getIdPart();
        for (String type : MEDICATION_USES) {
            SearchParameterMap search = SearchParameterMap.newSynchronous("medication", new ReferenceParam(reference));
            for (Object use : daoRegistry.getResourceDao(type).searchForResources(search, new SystemRequestDetails())) {
                patientOf((IBaseResource) use).ifPresent(patients::add);
            }
        }
        return patients;
    }

    /** The patient the resource is about; empty for anything else, our own results included. */
    static Optional<String> patientOf(IBaseResource resource) {
        Reference subject;
        if (resource instanceof Observation observation) {
            if (isDerivedByUs(observation)) {
                return Optional.empty();
            }
            subject = observation.getSubject();
        } else if (resource instanceof MedicationStatement statement) {
            subject = statement.getSubject();
        } else if (resource instanceof MedicationAdministration administration) {
            subject = administration.getSubject();
        } else if (resource instanceof MedicationRequest request) {
            subject = request.getSubject();
        } else if (resource instanceof Specimen specimen) {
            subject = specimen.getSubject();
        } else {
            return Optional.empty();
        }
        return localPatient(subject);
    }

    private static Optional<String> localPatient(Reference subject) {
        IIdType patient = subject.getReferenceElement();
        if (!subject.hasReference() || !"Patient".equals(patient.getResourceType()) || !patient.hasIdPart()
                || patient.hasBaseUrl()) {
            return Optional.empty();
        }
        return Optional.of(patient.getIdPart());
    }

    private static boolean isDerivedByUs(Observation observation) {
        for (Coding coding : observation.getCode().getCoding()) {
            if (KnowledgeCodes.BIOMARKER_SYSTEM.equals(coding.getSystem())
                    && (KnowledgeCodes.STATUS_ASSESSMENT_CODE.equals(coding.getCode())
                            || KnowledgeCodes.MECHANISM_ASSESSMENT_CODE.equals(coding.getCode()))) {
                return true;
            }
        }
        return false;
    }
}
