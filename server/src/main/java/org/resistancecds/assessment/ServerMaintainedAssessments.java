package org.resistancecds.assessment;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * REST-server interceptor: the assessments the engine derives ({@code Observation/resistance-status-*},
 * {@code resistance-mechanism-*}) are written by {@link AssessmentRecorder} only. A client's create or update of
 * one of those ids (PUT, PATCH, a transaction entry, {@code $meta-add}, {@code $meta-delete}) gets 405: it would
 * stand as the patient's assessment, with no Communication, until the next re-evaluation overwrote it. A DELETE
 * stays allowed, so a patient's record can be deleted whole; while the patient exists, the re-evaluation it queues
 * stores the assessment again. Clients may still store assessments of their own under other ids.
 */
public class ServerMaintainedAssessments {

    private static final Set<String> META_OPERATIONS = Set.of("$meta-add", "$meta-delete");

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void creating(IBaseResource resource, RequestDetails request) {
        check(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updating(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
        check(newResource, request);
    }

    /** HAPI changes tags and security labels in place for these operations, with no storage hook to see it. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void changingMeta(RequestDetails request) {
        String operation = request.getOperation();
        if (operation != null && META_OPERATIONS.contains(operation) && "Observation".equals(request.getResourceName())
                && request.getId() != null && KnowledgeCodes.isDerivedAssessmentId(request.getId().getIdPart())) {
            throw refusal(request.getId().getIdPart());
        }
    }

    private static void check(IBaseResource resource, RequestDetails request) {
        if (!"Observation".equals(resource.fhirType())
                || !KnowledgeCodes.isDerivedAssessmentId(resource.getIdElement().getIdPart())
                || request != null && request.getUserData().containsKey(AssessmentRecorder.WRITING)) {
            return;
        }
        throw refusal(resource.getIdElement().getIdPart());
    }

    private static MethodNotAllowedException refusal(String id) {
        return new MethodNotAllowedException("Observation/" + id
                + " is an assessment this server derives and maintains: it is written by re-evaluation or by "
                + "Patient/[id]/$evaluate-resistance with persist=true, not by clients. Store an assessment of your "
                + "own under another id.", RequestTypeEnum.GET, RequestTypeEnum.HEAD, RequestTypeEnum.DELETE);
    }
}
