package org.resistancecds.monitoring;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.EvaluationRequest;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.ResistanceEvaluator;
import org.resistancecds.operations.PatientDataLoader;

/**
 * Re-evaluates one stored patient and, when the status or a mechanism changed against what is stored, writes in
 * one transaction: the new status and mechanism Observations (new versions of the same ids, so the history keeps
 * the old ones), mechanisms no longer supported marked {@code cancelled} with a note, and one Communication for the
 * care team. When only the results the assessments cite changed (a result added, corrected or deleted without
 * changing the verdict), the assessments are rewritten citing the current ones, without a Communication: the
 * care team's view did not change, but a reader following a citation must not land on a deleted result or miss
 * the new one. Idempotent: the same data give the same state and citations, and then nothing is written. The writes
 * name the versions they replace (If-Match) and the Communication is created only if none has its identifier
 * (patient, replaced version, new state), so a repeated or concurrent run cannot write a change twice.
 */
public class PatientReevaluator {

    static final String TRIGGER = "evaluate-resistance";
    static final String COMMUNICATION_SYSTEM = KnowledgeCodes.BASE + "/sid/reevaluation";
    private static final String COMMUNICATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/communication-category";

    /** What one run did. */
    public enum Outcome {
        CHANGED,
        /** The same status and mechanisms, citing other results: assessments rewritten, no Communication. */
        CITATIONS_UPDATED,
        UNCHANGED,
        NO_PATIENT
    }

    private final ResistanceEvaluator evaluator;
    private final PatientDataLoader loader;
    private final DaoRegistry daoRegistry;
    private final Clock clock;

    public PatientReevaluator(ResistanceEvaluator evaluator, DaoRegistry daoRegistry, Clock clock) {
        this.evaluator = evaluator;
        this.loader = new PatientDataLoader(daoRegistry);
        this.daoRegistry = daoRegistry;
        this.clock = clock;
    }

    public Outcome reevaluate(String patientId) {
        RequestDetails request = new SystemRequestDetails();
        List<Resource> data;
        try {
            data = loader.load(new IdType("Patient", patientId), request);
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return Outcome.NO_PATIENT;
        }
        Instant now = clock.instant();
        Evaluation evaluation = evaluator.evaluate(new EvaluationRequest(patientId, TRIGGER, data, List.of(), now));
        Observation status = evaluation.derivedObservations().get(0);
        Map<String, Observation> stored = storedMechanisms(patientId, request);
        Observation storedStatus = read(status.getIdPart(), request);

        AssessmentState before = storedState(storedStatus, stored.values());
        AssessmentState after = new AssessmentState(evaluation.status().code(), mechanismsOf(evaluation));
        Set<String> inRecord = new HashSet<>();
        data.forEach(resource -> inRecord.add(resource.getIdElement().toUnqualifiedVersionless().getValue()));
        boolean changed = !before.equals(after);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Observation observation : evaluation.derivedObservations()) {
            Observation previous = observation == status ? storedStatus : stored.remove(observation.getIdPart());
            if (changed || previous == null || !Citations.of(previous).equals(Citations.of(observation))) {
                put(transaction, observation, previous);
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
            put(transaction, copy, withdrawn);
        }
        if (transaction.getEntry().isEmpty()) {
            return Outcome.UNCHANGED;
        }
        if (changed) {
            Patient patient = (Patient) data.get(0);
            transaction.addEntry()
                    .setResource(communication(patient, status, before, after, storedStatus, evaluation, now))
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Communication")
                    .setIfNoneExist("identifier=" + COMMUNICATION_SYSTEM + "|" + identifier(patientId, storedStatus, after));
        }
        @SuppressWarnings("unchecked")
        IFhirSystemDao<Bundle, ?> system = (IFhirSystemDao<Bundle, ?>) daoRegistry.getSystemDao();
        system.transaction(request, transaction);
        return changed ? Outcome.CHANGED : Outcome.CITATIONS_UPDATED;
    }

    /** PUT by id; If-Match the version read, so a concurrent writer makes this run fail and retry. */
    private static void put(Bundle transaction, Observation observation, Observation previous) {
        Bundle.BundleEntryRequestComponent entry = transaction.addEntry()
                .setResource(observation)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("Observation/" + observation.getIdElement().getIdPart());
        if (previous != null) {
            entry.setIfMatch("W/\"" + previous.getIdElement().getVersionIdPart() + "\"");
        }
        observation.setId(observation.getIdElement().toUnqualifiedVersionless());
    }

    private Communication communication(Patient patient, Observation status, AssessmentState before,
            AssessmentState after, Observation storedStatus, Evaluation evaluation, Instant now) {
        Communication communication = new Communication();
        String patientId = patient.getIdElement().getIdPart();
        communication.addIdentifier().setSystem(COMMUNICATION_SYSTEM).setValue(identifier(patientId, storedStatus, after));
        communication.setStatus(Communication.CommunicationStatus.COMPLETED);
        communication.addCategory(new CodeableConcept(new Coding(COMMUNICATION_CATEGORY, "alert", "Alert")));
        boolean statusChanged = before.status() == null || !before.status().equals(after.status());
        communication.setPriority(statusChanged && after.status().startsWith("acquired-resistance")
                ? Communication.CommunicationPriority.URGENT : Communication.CommunicationPriority.ROUTINE);
        communication.setSubject(new Reference("Patient/" + patientId));
        communication.setSentElement(new DateTimeType(Date.from(now)));
        patient.getGeneralPractitioner().forEach(gp -> communication.addRecipient(gp.copy()));
        communication.addAbout(new Reference("Observation/" + status.getIdPart()));
        communication.addReasonCode(new CodeableConcept(new Coding(KnowledgeCodes.STATUS_SYSTEM, after.status(),
                evaluation.status().display())));
        StringBuilder text = new StringBuilder("Resistance assessment changed after new data.\nBefore: ")
                .append(before.describe()).append("\nNow: ").append(after.describe()).append("\nReasons:");
        evaluation.status().reasons().forEach(reason -> text.append("\n- ").append(reason));
        for (MechanismFinding mechanism : evaluation.mechanisms()) {
            mechanism.reasons().forEach(reason -> text.append("\n- ").append(reason));
        }
        communication.addPayload().setContent(new org.hl7.fhir.r4.model.StringType(text.toString()));
        return communication;
    }

    /** Patient, the status version replaced and the new state: the same change always has the same identifier. */
    private static String identifier(String patientId, Observation storedStatus, AssessmentState after) {
        String version = storedStatus == null ? "0" : storedStatus.getIdElement().getVersionIdPart();
        return patientId + "/" + version + "/" + after.fingerprint();
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
            if (mechanism.getStatus() == Observation.ObservationStatus.CANCELLED) {
                continue;
            }
            String code = mechanism.getValueCodeableConcept().getCodingFirstRep().getCode();
            String confidence = mechanism.getComponent().stream()
                    .filter(c -> c.getCode().getCoding().stream()
                            .anyMatch(k -> KnowledgeCodes.CONFIDENCE_COMPONENT_CODE.equals(k.getCode())))
                    .map(c -> c.getValueCodeableConcept().getCodingFirstRep().getCode())
                    .findFirst()
                    .orElse(null);
            current.put(code, confidence);
        }
        return new AssessmentState(status.getValueCodeableConcept().getCodingFirstRep().getCode(), current);
    }

    private Observation read(String id, RequestDetails request) {
        try {
            return (Observation) daoRegistry.getResourceDao(Observation.class).read(new IdType("Observation", id), request);
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return null;
        }
    }

    private Map<String, Observation> storedMechanisms(String patientId, RequestDetails request) {
        SearchParameterMap search = SearchParameterMap.newSynchronous();
        search.add("subject", new ReferenceParam("Patient/" + patientId));
        search.add("code", new TokenParam(KnowledgeCodes.BIOMARKER_SYSTEM, KnowledgeCodes.MECHANISM_ASSESSMENT_CODE));
        Map<String, Observation> stored = new LinkedHashMap<>();
        for (IBaseResource found : daoRegistry.getResourceDao(Observation.class).searchForResources(search, request)) {
            Observation observation = (Observation) found;
            stored.put(observation.getIdElement().getIdPart(), observation);
        }
        return stored;
    }
}
