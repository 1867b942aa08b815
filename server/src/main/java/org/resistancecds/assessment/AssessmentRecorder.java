package org.resistancecds.assessment;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.MechanismFinding;

/**
 * Stores an evaluation as the patient's current assessment: the background re-evaluation and
 * {@code $evaluate-resistance?persist=true} both record through here, so both tell the care team the same way.
 *
 * <p>When the status or a mechanism changed against what is stored, it writes in one transaction the new status and
 * mechanism Observations (new versions of the same ids, so the history keeps the old ones), mechanisms no longer
 * supported marked {@code cancelled} with a note, and one Communication for the care team. When only the results
 * the assessments cite changed (a result added, corrected or deleted without changing the verdict), the assessments
 * are rewritten citing the current ones, without a Communication: the care team's view did not change, but a
 * reader following a citation must not land on a deleted result or miss the new one. An assessment a client deleted
 * is stored again, judged against its last version. Only the ids this class writes count as the stored assessment:
 * a client's own mechanism assessment under another id is neither counted nor withdrawn. Idempotent: the same data give the same state and citations, and
 * then nothing is written. The writes name the versions they replace (If-Match) and the Communication is created
 * only if none has its identifier (patient, replaced version, new state), so a repeated or concurrent run cannot
 * write a change twice.
 */
public class AssessmentRecorder {

    static final String COMMUNICATION_SYSTEM = KnowledgeCodes.BASE + "/sid/reevaluation";
    private static final String COMMUNICATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/communication-category";
    /** Marks a request while the recorder writes with it: {@link ServerMaintainedAssessments} lets those writes in. */
    static final String WRITING = AssessmentRecorder.class.getName() + ".writing";

    /** What one recording did. */
    public enum Outcome {
        /** Status or mechanisms changed: assessments rewritten and a Communication stored. */
        CHANGED,
        /** The same status and mechanisms, citing other results: assessments rewritten, no Communication. */
        CITATIONS_UPDATED,
        /** A status a client had deleted stored again, with the same verdict: no Communication. */
        RESTORED,
        UNCHANGED,
        /**
         * The patient's record was deleted while it was evaluated: what had been written, and whatever else this class
         * had stored for the patient, deleted again.
         */
        DISCARDED
    }

    private final DaoRegistry daoRegistry;

    public AssessmentRecorder(DaoRegistry daoRegistry) {
        this.daoRegistry = daoRegistry;
    }

    /**
     * @param data the patient's record as the engine read it, the Patient first
     * @param evaluation the engine's evaluation of that record at {@code now}
     * @param request whose rights the writes are checked against (a client's for the operation, the system's for
     *     re-evaluation)
     */
    public Outcome record(List<Resource> data, Evaluation evaluation, Instant now, RequestDetails request) {
        Patient patient = (Patient) data.get(0);
        String patientId = patient.getIdElement().getIdPart();
        Observation status = evaluation.derivedObservations().get(0);
        // The status before the mechanisms: another writer stores both in one transaction, so a status read after its
        // commit is followed by its mechanisms. Read the other way round, a run could see that writer's status
        // without its mechanisms and report a change nobody made (its Communication naming another version).
        StoredAssessment storedStatus = stored(status.getIdPart(), request);
        Map<String, Observation> stored = storedMechanisms(patientId, request);
        // Mechanisms a client deleted count as they were before the delete: they are stored again, and only a real
        // change of the verdict tells the care team.
        List<Observation> deletedMechanisms = new ArrayList<>();
        for (Observation mechanism : evaluation.derivedObservations()) {
            if (mechanism != status && !stored.containsKey(mechanism.getIdPart())) {
                StoredAssessment deleted = stored(mechanism.getIdPart(), request);
                if (deleted.deleted() && deleted.content() != null) {
                    deletedMechanisms.add(deleted.content());
                }
            }
        }
        List<Observation> storedBefore = new ArrayList<>(stored.values());
        storedBefore.addAll(deletedMechanisms);

        AssessmentState before = storedState(storedStatus.content(), storedBefore);
        AssessmentState after = new AssessmentState(evaluation.status().code(), mechanismsOf(evaluation));
        Set<String> inRecord = new HashSet<>();
        data.forEach(resource -> inRecord.add(resource.getIdElement().toUnqualifiedVersionless().getValue()));
        boolean changed = !before.equals(after);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Observation observation : evaluation.derivedObservations()) {
            if (observation == status) {
                if (changed || storedStatus.mustWrite() || !Citations.of(storedStatus.content()).equals(Citations.of(status))) {
                    put(transaction, status, storedStatus.ifMatch());
                }
                continue;
            }
            Observation previous = stored.remove(observation.getIdPart());
            if (changed || previous == null || !Citations.of(previous).equals(Citations.of(observation))) {
                put(transaction, observation, previous == null ? null : previous.getIdElement().getVersionIdPart());
            }
        }
        for (Observation withdrawn : stored.values()) {
            boolean alreadyWithdrawn = withdrawn.getStatus() == Observation.ObservationStatus.CANCELLED;
            if (alreadyWithdrawn && inRecord.containsAll(Citations.of(withdrawn))) {
                continue;
            }
            Observation copy = withdrawn.copy();
            // Results deleted since are no longer cited (a reader following them got 410); those still in the
            // record stay, as what the withdrawn finding had rested on. The previous version keeps them all.
            Citations.keepOnly(copy, inRecord);
            if (!alreadyWithdrawn) {
                copy.setStatus(Observation.ObservationStatus.CANCELLED);
                copy.addNote(new Annotation().setTimeElement(new DateTimeType(Date.from(now)))
                        .setText("Withdrawn by re-evaluation: the data no longer support this mechanism."));
            }
            put(transaction, copy, withdrawn.getIdElement().getVersionIdPart());
        }
        if (transaction.getEntry().isEmpty()) {
            return Outcome.UNCHANGED;
        }
        if (changed) {
            String identifier = patientId + "/" + storedStatus.version() + "/" + after.fingerprint();
            transaction.addEntry()
                    .setResource(communication(patient, identifier, before, after, evaluation, now))
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Communication")
                    .setIfNoneExist("identifier=" + COMMUNICATION_SYSTEM + "|" + identifier);
        }
        @SuppressWarnings("unchecked")
        IFhirSystemDao<Bundle, ?> system = (IFhirSystemDao<Bundle, ?>) daoRegistry.getSystemDao();
        request.getUserData().put(WRITING, Boolean.TRUE);
        try {
            system.transaction(request, transaction);
        } finally {
            request.getUserData().remove(WRITING);
        }
        if (isDeleted(patientId)) {
            // The record was deleted after it was read here, and its delete did not see these writes: they would
            // stand about a patient who is gone. (A delete committed after this check is followed by a run that
            // finds the patient gone and discards them: discardFor.)
            discardFor(patientId);
            return Outcome.DISCARDED;
        }
        if (changed) {
            return Outcome.CHANGED;
        }
        return storedStatus.deleted() || !deletedMechanisms.isEmpty() ? Outcome.RESTORED : Outcome.CITATIONS_UPDATED;
    }

    /**
     * Deletes the assessments and Communications this class stored for a patient whose record is gone: written by a
     * run that read the record before its delete, they are no one's to remove. Returns how many were deleted.
     */
    public int discardFor(String patientId) {
        RequestDetails system = new SystemRequestDetails();
        Bundle deletes = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        SearchParameterMap assessments = SearchParameterMap.newSynchronous();
        assessments.add("subject", new ReferenceParam("Patient/" + patientId));
        for (IBaseResource found : daoRegistry.getResourceDao(Observation.class).searchForResources(assessments, system)) {
            if (KnowledgeCodes.isDerivedAssessmentId(found.getIdElement().getIdPart())) {
                delete(deletes, found);
            }
        }
        SearchParameterMap alerts = SearchParameterMap.newSynchronous();
        alerts.add("subject", new ReferenceParam("Patient/" + patientId));
        alerts.add("identifier", new TokenParam(COMMUNICATION_SYSTEM, null));
        daoRegistry.getResourceDao(Communication.class).searchForResources(alerts, system)
                .forEach(found -> delete(deletes, found));
        if (!deletes.getEntry().isEmpty()) {
            @SuppressWarnings("unchecked")
            IFhirSystemDao<Bundle, ?> systemDao = (IFhirSystemDao<Bundle, ?>) daoRegistry.getSystemDao();
            systemDao.transaction(system, deletes);
        }
        return deletes.getEntry().size();
    }

    private static void delete(Bundle transaction, IBaseResource resource) {
        transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE)
                .setUrl(resource.getIdElement().toUnqualifiedVersionless().getValue());
    }

    private boolean isDeleted(String patientId) {
        try {
            daoRegistry.getResourceDao(Patient.class).read(new IdType("Patient", patientId), new SystemRequestDetails());
            return false;
        } catch (ResourceGoneException | ResourceNotFoundException gone) {
            return true;
        }
    }

    /** PUT by id; If-Match the version read (when there is one), so a concurrent writer makes this run fail and retry. */
    private static void put(Bundle transaction, Observation observation, String ifMatchVersion) {
        Bundle.BundleEntryRequestComponent entry = transaction.addEntry()
                .setResource(observation)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("Observation/" + observation.getIdElement().getIdPart());
        if (ifMatchVersion != null) {
            entry.setIfMatch("W/\"" + ifMatchVersion + "\"");
        }
        observation.setId(observation.getIdElement().toUnqualifiedVersionless());
    }

    private Communication communication(Patient patient, String identifier, AssessmentState before,
            AssessmentState after, Evaluation evaluation, Instant now) {
        Communication communication = new Communication();
        String patientId = patient.getIdElement().getIdPart();
        communication.addIdentifier().setSystem(COMMUNICATION_SYSTEM).setValue(identifier);
        communication.setStatus(Communication.CommunicationStatus.COMPLETED);
        communication.addCategory(new CodeableConcept(new Coding(COMMUNICATION_CATEGORY, "alert", "Alert")));
        boolean statusChanged = before.status() == null || !before.status().equals(after.status());
        communication.setPriority(statusChanged && after.status().startsWith("acquired-resistance")
                ? Communication.CommunicationPriority.URGENT : Communication.CommunicationPriority.ROUTINE);
        communication.setSubject(new Reference("Patient/" + patientId));
        communication.setSentElement(new DateTimeType(Date.from(now)));
        patient.getGeneralPractitioner().forEach(gp -> communication.addRecipient(gp.copy()));
        communication.addAbout(new Reference("Observation/" + evaluation.derivedObservations().get(0).getIdPart()));
        communication.addReasonCode(new CodeableConcept(new Coding(KnowledgeCodes.STATUS_SYSTEM, after.status(),
                evaluation.status().display())));
        StringBuilder text = new StringBuilder("Resistance assessment changed after new data.\nBefore: ")
                .append(before.describe()).append("\nNow: ").append(after.describe()).append("\nReasons:");
        evaluation.status().reasons().forEach(reason -> text.append("\n- ").append(reason));
        for (MechanismFinding mechanism : evaluation.mechanisms()) {
            mechanism.reasons().forEach(reason -> text.append("\n- ").append(reason));
        }
        communication.addPayload().setContent(new StringType(text.toString()));
        return communication;
    }

    private static Map<String, String> mechanismsOf(Evaluation evaluation) {
        Map<String, String> mechanisms = new HashMap<>();
        evaluation.mechanisms().forEach(m -> mechanisms.put(m.code(), m.confidence()));
        return mechanisms;
    }

    private static AssessmentState storedState(Observation status, Iterable<Observation> mechanisms) {
        if (status == null) {
            return AssessmentState.NONE;
        }
        Map<String, String> current = new HashMap<>();
        for (Observation mechanism : mechanisms) {
            String code = codeOf(mechanism);
            if (mechanism.getStatus() == Observation.ObservationStatus.CANCELLED || code == null) {
                continue;
            }
            String confidence = mechanism.getComponent().stream()
                    .filter(c -> c.getCode().getCoding().stream()
                            .anyMatch(k -> KnowledgeCodes.CONFIDENCE_COMPONENT_CODE.equals(k.getCode())))
                    .map(c -> c.getValue() instanceof CodeableConcept value ? value.getCodingFirstRep().getCode() : null)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse("unknown");
            current.put(code, confidence);
        }
        return new AssessmentState(codeOf(status), current);
    }

    /** The value's code; null when the value is not a coded concept (a version written by hand). */
    private static String codeOf(Observation assessment) {
        return assessment.getValue() instanceof CodeableConcept value ? value.getCodingFirstRep().getCode() : null;
    }

    /**
     * An assessment as stored. A deleted one is judged by its last version before the delete, and its version is the
     * delete's, so the Communication of a change made after it has an identifier of its own.
     */
    private StoredAssessment stored(String id, RequestDetails request) {
        IFhirResourceDao<Observation> dao = daoRegistry.getResourceDao(Observation.class);
        IdType idType = new IdType("Observation", id);
        try {
            Observation current = dao.read(idType, request);
            return new StoredAssessment(current, current.getIdElement().getVersionIdPart(), false);
        } catch (ResourceNotFoundException e) {
            return StoredAssessment.NONE;
        } catch (ResourceGoneException e) {
            long version = dao.read(idType, request, true).getIdElement().getVersionIdPartAsLong();
            Observation last = null;
            try {
                last = version > 1 ? dao.read(idType.withVersion(Long.toString(version - 1)), request) : null;
            } catch (ResourceNotFoundException | ResourceGoneException expunged) {
                // History expunged: judged as if nothing had been stored.
            }
            return new StoredAssessment(last, Long.toString(version), true);
        }
    }

    private Map<String, Observation> storedMechanisms(String patientId, RequestDetails request) {
        SearchParameterMap search = SearchParameterMap.newSynchronous();
        search.add("subject", new ReferenceParam("Patient/" + patientId));
        search.add("code", new TokenParam(KnowledgeCodes.BIOMARKER_SYSTEM, KnowledgeCodes.MECHANISM_ASSESSMENT_CODE));
        Map<String, Observation> stored = new LinkedHashMap<>();
        for (IBaseResource found : daoRegistry.getResourceDao(Observation.class).searchForResources(search, request)) {
            Observation observation = (Observation) found;
            // Our mechanisms only: a client may store an assessment of its own with the same code, under its own id.
            if (observation.getIdElement().getIdPart().startsWith(KnowledgeCodes.MECHANISM_ID_PREFIX)) {
                stored.put(observation.getIdElement().getIdPart(), observation);
            }
        }
        return stored;
    }

    /**
     * @param content the stored assessment, or its last version before a delete; null when there is none
     * @param version the current version ("0" when none was ever stored), a delete's when deleted
     */
    private record StoredAssessment(Observation content, String version, boolean deleted) {

        static final StoredAssessment NONE = new StoredAssessment(null, "0", false);

        /** Nothing stored, or deleted: it must be written whatever the comparison says. */
        boolean mustWrite() {
            return content == null || deleted;
        }

        /** A deleted resource is replaced without a precondition on the version it had. */
        String ifMatch() {
            return content == null || deleted ? null : version;
        }
    }
}
