package org.resistancecds.operations;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.KnowledgeException;
import org.resistancecds.knowledge.timeline.TimelineBuilder;

/**
 * {@code GET|POST [base]/Patient/[id]/$resistance-timeline}: the patient's course in date order (therapy periods,
 * response assessments, variant allele-frequency series with their dynamics, status changes with their reasons)
 * as a Parameters resource. Reads only; stores nothing.
 */
public class ResistanceTimelineProvider {

    static final String CANONICAL = KnowledgeCodes.BASE + "/OperationDefinition/resistance-timeline";

    private final TimelineBuilder builder;
    private final PatientDataLoader loader;

    public ResistanceTimelineProvider(TimelineBuilder builder, PatientDataLoader loader) {
        this.builder = builder;
        this.loader = loader;
    }

    @Operation(name = "$resistance-timeline", type = Patient.class, idempotent = true, canonicalUrl = CANONICAL)
    public Parameters timeline(
            @IdParam IdType patientId,
            @OperationParam(name = "asOf", min = 0, max = 1) DateType asOf,
            RequestDetails request) {
        OperationParameterCheck.requireOnRecord(request, "asOf");
        List<Resource> resources = loader.load(patientId, request);
        // A partial date (2024, 2024-10) speaks for its first day, as elsewhere in the engine.
        LocalDate day = asOf != null && asOf.hasValue()
                ? LocalDate.of(asOf.getYear(), asOf.getMonth() + 1, asOf.getDay())
                : LocalDate.now(ZoneOffset.UTC);
        try {
            return TimelineParameters.of(builder.build(patientId.getIdPart(), resources, day));
        } catch (KnowledgeException e) {
            throw new InternalErrorException("The knowledge could not be applied: " + e.getMessage(), e);
        }
    }
}
