package org.resistancecds.operations;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.resistancecds.assessment.AssessmentRecorder;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.EvaluationRequest;
import org.resistancecds.knowledge.KnowledgeException;
import org.resistancecds.knowledge.ResistanceEvaluator;

/**
 * {@code $evaluate-resistance}: the engine as a FHIR operation. On a stored patient
 * ({@code POST [base]/Patient/[id]/$evaluate-resistance}) it reads the patient's data from this server and can
 * record the result as the patient's current assessment ({@code persist=true}, through the same
 * {@link AssessmentRecorder} as the background re-evaluation, Communication included); at the system level
 * ({@code POST [base]/$evaluate-resistance}) it evaluates a Bundle given in the request and stores nothing.
 */
public class EvaluateResistanceProvider {

    static final String TRIGGER = "evaluate-resistance";
    /**
     * What the operation on a stored patient searches besides reading the Patient (and the Medications its data
     * refer to): access control allows the operation only to tokens that may search all of them.
     */
    public static final List<String> SEARCHED_TYPES = PatientDataLoader.TYPES;
    private static final String CANONICAL = GuidanceBundle.MODULE;
    private static final int MAX_PERSIST_ATTEMPTS = 3;

    private final ResistanceEvaluator evaluator;
    private final PatientDataLoader loader;
    private final AssessmentRecorder recorder;

    public EvaluateResistanceProvider(ResistanceEvaluator evaluator, PatientDataLoader loader,
            AssessmentRecorder recorder) {
        this.evaluator = evaluator;
        this.loader = loader;
        this.recorder = recorder;
    }

    @Operation(name = "$evaluate-resistance", type = Patient.class, idempotent = false, canonicalUrl = CANONICAL)
    public Bundle evaluateStoredPatient(
            @IdParam IdType patientId,
            @OperationParam(name = "asOf", min = 0, max = 1) DateTimeType asOf,
            @OperationParam(name = "persist", min = 0, max = 1) BooleanType persist,
            RequestDetails request) {
        OperationParameterCheck.requireOnRecord(request, "asOf", "persist");
        boolean store = persist != null && persist.booleanValue();
        if (store && asOf != null && asOf.hasValue()) {
            // A past date's verdict stored as the current one would replace what the data say today.
            throw new InvalidRequestException("persist=true records the patient's current assessment, evaluated now: "
                    + "leave out asOf, or evaluate as of a date without persist.");
        }
        String id = patientId.getIdPart();
        for (int attempt = 1; ; attempt++) {
            List<Resource> resources = loader.load(patientId, request);
            DateTimeType when = when(asOf);
            Evaluation evaluation = evaluate(id, resources, when);
            if (!store) {
                return GuidanceBundle.of(evaluation, id, when, null);
            }
            try {
                recorder.record(resources, evaluation, when.getValue().toInstant(), request);
                return GuidanceBundle.of(evaluation, id, when, request.getFhirServerBase());
            } catch (PreconditionFailedException | ResourceVersionConflictException concurrent) {
                // The background re-evaluation (or another call) recorded between this read and this write: read
                // again and record against what it stored.
                if (attempt == MAX_PERSIST_ATTEMPTS) {
                    throw concurrent;
                }
            }
        }
    }

    @Operation(name = "$evaluate-resistance", idempotent = false, canonicalUrl = CANONICAL)
    public Bundle evaluateGivenBundle(
            @OperationParam(name = "bundle", min = 0, max = 1) Bundle bundle,
            @OperationParam(name = "patient", min = 0, max = 1) StringType patient,
            @OperationParam(name = "asOf", min = 0, max = 1) DateTimeType asOf,
            @OperationParam(name = "persist", min = 0, max = 1) BooleanType persist,
            RequestDetails request) {
        OperationParameterCheck.require(request, "bundle", "patient", "asOf", "persist");
        if (bundle == null) {
            throw new InvalidRequestException("Parameter 'bundle' is required: a Bundle of the patient's resources.");
        }
        if (persist != null && persist.booleanValue()) {
            throw new InvalidRequestException("persist=true needs stored data: use Patient/[id]/$evaluate-resistance. "
                    + "This form evaluates the given Bundle and stores nothing.");
        }
        List<Resource> resources = resourcesOf(bundle);
        String id = patient != null && patient.hasValue() ? namedPatient(patient.getValue(), resources) : patientOf(resources);
        DateTimeType when = when(asOf);
        return GuidanceBundle.of(evaluate(id, resources, when), id, when, null);
    }

    private Evaluation evaluate(String patientId, List<Resource> resources, DateTimeType asOf) {
        try {
            return evaluator.evaluate(new EvaluationRequest(patientId, TRIGGER, resources, List.of(), asOf.getValue().toInstant()));
        } catch (KnowledgeException e) {
            // A knowledge error must be visible: no partial answer pretends that nothing applies.
            throw new InternalErrorException("The knowledge could not be applied: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    private static DateTimeType when(DateTimeType asOf) {
        return asOf != null && asOf.hasValue() ? asOf : new DateTimeType(Date.from(Instant.now()));
    }

    private static List<Resource> resourcesOf(Bundle bundle) {
        // The limit a stored record is held to: a Bundle of 75,000 Observations ran the heap out.
        bundle.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource)
                .collect(Collectors.groupingBy(entry -> entry.getResource().fhirType(), Collectors.counting()))
                .forEach((type, count) -> {
                    if (count > PatientDataLoader.MAX_PER_TYPE) {
                        throw new UnprocessableEntityException("The Bundle holds " + count + " " + type
                                + " resources; this server evaluates records of up to " + PatientDataLoader.MAX_PER_TYPE
                                + " resources of each type, given or stored.");
                    }
                });
        List<Resource> resources = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource == null) {
                continue;
            }
            // Entries known only by fullUrl (urn:uuid) keep it as their id, so derivedFrom can point to them.
            if (!resource.hasIdElement() && entry.hasFullUrl()) {
                resource.setId(entry.getFullUrl());
            }
            resources.add(resource);
        }
        return resources;
    }

    /** The one patient the Bundle is about: its Patient resource, or the one patient its data refer to. */
    private static String patientOf(List<Resource> resources) {
        List<Patient> patients = patientsIn(resources);
        if (patients.size() == 1 && patients.get(0).getIdElement().hasIdPart()) {
            return patients.get(0).getIdElement().getIdPart();
        }
        if (patients.size() > 1) {
            throw new InvalidRequestException("The Bundle holds " + patients.size()
                    + " Patient resources: name the one to evaluate with the 'patient' parameter.");
        }
        Set<String> subjects = referencedPatients(resources);
        if (subjects.size() != 1) {
            throw new InvalidRequestException("Cannot tell which patient to evaluate (" + subjects.size()
                    + " patients referenced): include the Patient or give the 'patient' parameter.");
        }
        return subjects.iterator().next();
    }

    /**
     * The patient the 'patient' parameter names, which the Bundle must hold or refer to: a verdict about a patient
     * the data is not about would be built from someone else's record.
     */
    private static String namedPatient(String value, List<Resource> resources) {
        String id = value.startsWith("Patient/") ? value.substring("Patient/".length()) : value;
        List<Patient> patients = patientsIn(resources);
        boolean held = patients.stream().anyMatch(p -> id.equals(p.getIdElement().getIdPart()));
        // A single Patient known only by its urn:uuid in the Bundle may be named by the id the caller knows it by.
        boolean onlyPatientHasNoId = patients.size() == 1 && patients.get(0).getIdElement().getValue() != null
                && patients.get(0).getIdElement().getValue().startsWith("urn:");
        if (held || onlyPatientHasNoId || referencedPatients(resources).contains(id)) {
            return id;
        }
        throw new InvalidRequestException("The Bundle holds no Patient/" + id + " and no data about it (Patient "
                + "resources: " + patients.stream().map(p -> p.getIdElement().getIdPart()).toList()
                + "; patients referenced: " + referencedPatients(resources) + ").");
    }

    private static List<Patient> patientsIn(List<Resource> resources) {
        return resources.stream().filter(Patient.class::isInstance).map(Patient.class::cast).toList();
    }

    private static Set<String> referencedPatients(List<Resource> resources) {
        Set<String> subjects = new LinkedHashSet<>();
        for (Resource resource : resources) {
            for (Object child : resource.getNamedProperty("subject") == null
                    ? List.of() : resource.getNamedProperty("subject").getValues()) {
                if (child instanceof IBaseReference reference && reference.getReferenceElement().getResourceType() != null
                        && reference.getReferenceElement().getResourceType().equals("Patient")) {
                    subjects.add(reference.getReferenceElement().getIdPart());
                }
            }
        }
        return subjects;
    }
}
