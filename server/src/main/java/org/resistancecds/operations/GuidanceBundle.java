package org.resistancecds.operations;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.GuidanceResponse;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedArtifact;
import org.hl7.fhir.r4.model.RequestGroup;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.UriType;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.Recommendation;
import org.resistancecds.knowledge.record.References;

/**
 * The operation's answer as a collection Bundle: the status Observation, the mechanism assessments, a
 * GuidanceResponse whose result is a RequestGroup of the applicable actions, the proposed resources, and an
 * OperationOutcome with the notes on data that did not count.
 */
final class GuidanceBundle {

    static final String MODULE = KnowledgeCodes.BASE + "/OperationDefinition/evaluate-resistance";

    private GuidanceBundle() {}

    /**
     * @param storedBase the server base when the derived Observations were stored (their fullUrls then point to
     *     them), or null when they were not
     */
    static Bundle of(Evaluation evaluation, String patientId, DateTimeType asOf, String storedBase) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestampElement(new InstantType(asOf.getValue()));
        Map<String, String> fullUrls = new HashMap<>();
        for (Observation observation : evaluation.derivedObservations()) {
            String local = "Observation/" + observation.getIdPart();
            String fullUrl = storedBase != null ? storedBase + "/" + local : urn();
            fullUrls.put(local, fullUrl);
            bundle.addEntry().setFullUrl(fullUrl).setResource(observation);
        }
        Observation status = evaluation.derivedObservations().get(0);
        Reference statusReference = new Reference(fullUrls.get("Observation/" + status.getIdPart()));

        RequestGroup group = new RequestGroup();
        group.setStatus(RequestGroup.RequestStatus.DRAFT);
        group.setIntent(RequestGroup.RequestIntent.PROPOSAL);
        group.setSubject(new Reference(References.toPatient(patientId)));
        group.setAuthoredOnElement(asOf.copy());
        group.addReasonReference(statusReference.copy());
        evaluation.recommendations().stream().map(Recommendation::planDefinition).distinct()
                .forEach(group::addInstantiatesCanonical);
        for (Recommendation recommendation : evaluation.recommendations()) {
            RequestGroup.RequestGroupActionComponent action = group.addAction();
            action.setId(recommendation.actionId());
            // Investigational actions say so, as their cards do: a client may show only the title or the text.
            action.setTitle(recommendation.labelledTitle());
            String description = recommendation.description();
            action.setDescription(recommendation.needsInvestigationalNote()
                    ? Recommendation.INVESTIGATIONAL_NOTE + (description == null ? "" : "\n\n" + description)
                    : description);
            action.setPriority(RequestGroup.RequestPriority.fromCode(recommendation.priority()));
            action.addExtension(new Extension(KnowledgeCodes.EVIDENCE_LEVEL_EXTENSION, new CodeableConcept(
                    new Coding(KnowledgeCodes.EVIDENCE_LEVEL_SYSTEM, recommendation.evidenceLevel(), null))));
            recommendation.mechanisms().forEach(code -> action.addCode(
                    new CodeableConcept(new Coding(KnowledgeCodes.MECHANISM_SYSTEM, code, null))));
            for (Recommendation.Citation citation : recommendation.citations()) {
                RelatedArtifact artifact = action.addDocumentation()
                        .setType(RelatedArtifact.RelatedArtifactType.CITATION)
                        .setLabel(citation.label())
                        .setCitation(citation.citation());
                if (citation.doi() != null) {
                    artifact.setUrl("https://doi.org/" + citation.doi());
                }
            }
            for (Recommendation.Suggestion suggestion : recommendation.suggestions()) {
                Resource proposed = recommendation.proposalOf(suggestion);
                if (proposed instanceof ServiceRequest request) {
                    request.getReasonReference().forEach(ref -> ref.setReference(
                            fullUrls.getOrDefault(ref.getReference(), ref.getReference())));
                }
                String fullUrl = urn();
                bundle.addEntry().setFullUrl(fullUrl).setResource(proposed);
                action.setResource(new Reference(fullUrl).setDisplay(recommendation.labelOf(suggestion)));
            }
        }
        String groupUrl = urn();

        OperationOutcome notes = new OperationOutcome();
        evaluation.notes().forEach(note -> notes.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics(note));
        if (notes.getIssue().isEmpty()) {
            notes.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics("All data in the record counted.");
        }
        String notesUrl = urn();

        GuidanceResponse guidance = new GuidanceResponse();
        guidance.setRequestIdentifier(new Identifier().setSystem("urn:ietf:rfc:3986").setValue(urn()));
        guidance.setModule(new UriType(MODULE));
        guidance.setStatus(GuidanceResponse.GuidanceResponseStatus.SUCCESS);
        guidance.setSubject(new Reference(References.toPatient(patientId)));
        guidance.setOccurrenceDateTimeElement(asOf.copy());
        guidance.addReasonReference(statusReference.copy());
        guidance.addEvaluationMessage(new Reference(notesUrl));
        guidance.setResult(new Reference(groupUrl));
        evaluation.derivedObservations().stream().skip(1)
                .forEach(m -> guidance.addReasonReference(new Reference(fullUrls.get("Observation/" + m.getIdPart()))));

        bundle.addEntry().setFullUrl(urn()).setResource(guidance);
        bundle.addEntry().setFullUrl(groupUrl).setResource(group);
        bundle.addEntry().setFullUrl(notesUrl).setResource(notes);
        return bundle;
    }

    private static String urn() {
        return "urn:uuid:" + UUID.randomUUID();
    }
}
