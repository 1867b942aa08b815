package org.resistancecds.operations;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import org.resistancecds.storage.RecordSnapshot;

/**
 * Reads what the engine needs of one stored patient through HAPI's DAOs: the Patient, its Observations, Specimens and
 * medication statements, administrations and orders, and the Medication resources those refer to. The DAOs
 * apply the server's interceptors, so access rules that apply to searches apply here too. The reads see the record
 * as of one moment ({@link RecordSnapshot}), not a write that lands between two of them.
 */
public class PatientDataLoader {

    /** Resource types with a {@code subject} reference to the patient that the engine reads. */
    static final List<String> TYPES =
            List.of("Observation", "MedicationStatement", "MedicationAdministration", "MedicationRequest", "Specimen");

    /** Most resources of one type read for a patient; a larger record is refused, not truncated. */
    static final int MAX_PER_TYPE = 10_000;

    private final DaoRegistry daoRegistry;
    private final RecordSnapshot snapshot;

    public PatientDataLoader(DaoRegistry daoRegistry, RecordSnapshot snapshot) {
        this.daoRegistry = daoRegistry;
        this.snapshot = snapshot;
    }

    /** The patient and its data; a patient the server does not hold is a 404 (ResourceNotFoundException). */
    public List<Resource> load(IdType patientId, RequestDetails request) {
        if (patientId.hasVersionIdPart()) {
            // The record is the patient's data now; an old version of the Patient alone would not make it then.
            throw new InvalidRequestException("The operation reads the patient's current record; leave out "
                    + "_history/" + patientId.getVersionIdPart() + " (use asOf to evaluate as of a past date).");
        }
        return snapshot.read(() -> read(patientId, request));
    }

    private List<Resource> read(IdType patientId, RequestDetails request) {
        Patient patient = (Patient) daoRegistry.getResourceDao(Patient.class).read(patientId.toUnqualifiedVersionless(), request);
        List<Resource> resources = new ArrayList<>();
        resources.add(patient);
        String subject = "Patient/" + patient.getIdElement().getIdPart();
        for (String type : TYPES) {
            SearchParameterMap search = SearchParameterMap.newSynchronous();
            search.add("subject", new ReferenceParam(subject));
            // One more than the limit, to tell a record that is too large from one that is exactly at it: the
            // engine must never decide on a truncated record.
            search.setLoadSynchronousUpTo(MAX_PER_TYPE + 1);
            List<?> found = daoRegistry.getResourceDao(type).searchForResources(search, request);
            if (found.size() > MAX_PER_TYPE) {
                throw new UnprocessableEntityException("Patient/" + patient.getIdElement().getIdPart() + " has more than "
                        + MAX_PER_TYPE + " " + type + " resources; this server evaluates records up to that size.");
            }
            found.forEach(resource -> resources.add((Resource) resource));
        }
        resources.addAll(referencedMedications(resources, request));
        return resources;
    }

    private List<Resource> referencedMedications(List<Resource> resources, RequestDetails request) {
        Map<String, Resource> medications = new LinkedHashMap<>();
        for (Resource resource : resources) {
            Type medication = null;
            if (resource instanceof MedicationStatement statement) {
                medication = statement.getMedication();
            } else if (resource instanceof MedicationAdministration administration) {
                medication = administration.getMedication();
            } else if (resource instanceof MedicationRequest order) {
                medication = order.getMedication();
            }
            if (medication instanceof Reference reference && reference.hasReference()
                    && reference.getReference().startsWith("Medication/")) {
                IdType id = new IdType(reference.getReference()).toUnqualifiedVersionless();
                medications.computeIfAbsent(id.getValue(),
                        key -> (Resource) daoRegistry.getResourceDao("Medication").read(id, request));
            }
        }
        return List.copyOf(medications.values());
    }
}
