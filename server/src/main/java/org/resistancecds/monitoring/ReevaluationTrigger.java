package org.resistancecds.monitoring;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.time.Instant;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * Storage interceptor on the REST server: when an Observation or an ICI medication resource about a patient is
 * created, updated or deleted, the patient is recorded as pending in the same database transaction and queued for
 * re-evaluation once it has committed (never for data that rolled back). Registered on the RestfulServer only, so internal writes (content
 * installation, example loading, the re-evaluation's own results) do not trigger it; {@code $import}'s writes have
 * {@link ImportedDataTrigger}.
 */
public class ReevaluationTrigger {

    private final ReevaluationQueue queue;
    private final PendingReevaluations pending;

    public ReevaluationTrigger(ReevaluationQueue queue, PendingReevaluations pending) {
        this.queue = queue;
        this.pending = pending;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        onWrite(resource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource) {
        onWrite(newResource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource) {
        onWrite(resource);
    }

    private void onWrite(IBaseResource resource) {
        patientOf(resource).ifPresent(patient ->
                TransactionPatients.add(this, patient, pending, committed -> queue.submit(committed, Instant.now())));
    }

    /** The patient whose assessment the resource can change; empty for anything else, our own results included. */
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
        } else {
            return Optional.empty();
        }
        if (subject == null || !subject.hasReference() || !"Patient".equals(subject.getReferenceElement().getResourceType())
                || !subject.getReferenceElement().hasIdPart()) {
            return Optional.empty();
        }
        return Optional.of(subject.getReferenceElement().getIdPart());
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
