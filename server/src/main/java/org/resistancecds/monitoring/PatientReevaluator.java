package org.resistancecds.monitoring;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.assessment.AssessmentRecorder;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.EvaluationRequest;
import org.resistancecds.knowledge.ResistanceEvaluator;
import org.resistancecds.operations.PatientDataLoader;

/**
 * Re-evaluates one stored patient now and records the result as its current assessment ({@link AssessmentRecorder}:
 * new versions and a Communication when the verdict changed, nothing when it did not).
 */
public class PatientReevaluator {

    static final String TRIGGER = "evaluate-resistance";

    private final ResistanceEvaluator evaluator;
    private final PatientDataLoader loader;
    private final AssessmentRecorder recorder;
    private final Clock clock;

    public PatientReevaluator(ResistanceEvaluator evaluator, PatientDataLoader loader, AssessmentRecorder recorder,
            Clock clock) {
        this.evaluator = evaluator;
        this.loader = loader;
        this.recorder = recorder;
        this.clock = clock;
    }

    /**
     * What the recording did; empty when the patient is not stored (any more), {@code DISCARDED} when it was deleted
     * and assessments written for it after its delete were removed.
     */
    public Optional<AssessmentRecorder.Outcome> reevaluate(String patientId) {
        RequestDetails request = new SystemRequestDetails();
        List<Resource> data;
        try {
            data = loader.load(new IdType("Patient", patientId), request);
        } catch (ResourceGoneException deleted) {
            // Queued by the record's delete: a run that raced it may have stored assessments since.
            return recorder.discardFor(patientId) > 0 ? Optional.of(AssessmentRecorder.Outcome.DISCARDED) : Optional.empty();
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Evaluation evaluation = evaluator.evaluate(new EvaluationRequest(patientId, TRIGGER, data, List.of(), now));
        return Optional.of(recorder.record(data, evaluation, now, request));
    }
}
