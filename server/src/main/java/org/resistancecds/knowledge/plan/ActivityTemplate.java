package org.resistancecds.knowledge.plan;

import java.util.List;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.resistancecds.knowledge.KnowledgeException;

/**
 * An ActivityDefinition ready to be instantiated: today only {@code ServiceRequest} proposals (a ctDNA panel,
 * a trial referral, a confirmatory scan), which is what the knowledge suggests.
 */
public record ActivityTemplate(String url, String title, ActivityDefinition definition) {

    public static ActivityTemplate of(ActivityDefinition definition) {
        String where = definition.getUrl();
        if (definition.getKind() != ActivityDefinition.ActivityDefinitionKind.SERVICEREQUEST) {
            throw new KnowledgeException(where + ": only kind ServiceRequest is supported, not " + definition.getKind());
        }
        if (!definition.hasTitle() || !definition.hasCode()) {
            throw new KnowledgeException(where + ": a suggestion needs a title and a code");
        }
        if (definition.hasDynamicValue()) {
            // Rather refuse than silently ignore what an author expects to happen.
            throw new KnowledgeException(where + ": dynamicValue is not supported by this engine");
        }
        return new ActivityTemplate(definition.getUrl(), definition.getTitle(), definition);
    }

    /**
     * A draft ServiceRequest for the patient.
     *
     * @param because the action's codes (what to do) and reasons (which mechanisms)
     * @param status the resistance status Observation the proposal rests on
     */
    public ServiceRequest instantiate(String patientReference, List<CodeableConcept> what, List<CodeableConcept> because,
            Reference status, DateTimeType authoredOn) {
        ServiceRequest request = new ServiceRequest();
        request.setStatus(ServiceRequest.ServiceRequestStatus.DRAFT);
        request.setIntent(definition.hasIntent()
                ? ServiceRequest.ServiceRequestIntent.fromCode(definition.getIntent().toCode())
                : ServiceRequest.ServiceRequestIntent.PROPOSAL);
        if (definition.hasPriority()) {
            request.setPriority(ServiceRequest.ServiceRequestPriority.fromCode(definition.getPriority().toCode()));
        }
        request.addInstantiatesCanonical(url);
        request.setCode(definition.getCode().copy());
        what.forEach(code -> request.addOrderDetail(code.copy()));
        because.forEach(code -> request.addReasonCode(code.copy()));
        if (status != null) {
            request.addReasonReference(status.copy());
        }
        request.setSubject(new Reference(patientReference));
        request.setAuthoredOnElement(authoredOn.copy());
        if (definition.hasDescription()) {
            request.addNote(new Annotation().setText(definition.getDescription()));
        }
        return request;
    }
}
