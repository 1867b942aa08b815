package org.resistancecds.cds.cards;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceIndicatorEnum;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardSourceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCodingJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseSuggestionActionJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseSuggestionJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.OmittedRecommendation;
import org.resistancecds.knowledge.Recommendation;
import org.resistancecds.knowledge.Recommendation.Citation;
import org.resistancecds.knowledge.StatusVerdict;
import org.resistancecds.knowledgepage.KnowledgePageLinks;

/**
 * Turns the engine's evaluation into CDS Hooks cards.
 *
 * <p>patient-view: a status card with its reasons; one card per inferred mechanism listing the strategies that
 * address it; one card for every other recommendation (for example the monitoring tests suggested when no
 * mechanism is identified); no card for a patient never given PD-(L)1 blockade. order-select and order-sign: one
 * card per recommendation the engine returned for the trigger. Any hook (but patient-view of a patient never
 * given PD-(L)1 blockade): a warning card first when the knowledge failed for the patient and left
 * recommendations out. Every card states its evidence level and
 * references, investigational options say so, and card ids are stable (see {@link CardIds}).
 */
public final class CardMapper {

    private final KnowledgePageLinks knowledgePages;

    public CardMapper(KnowledgePageLinks knowledgePages) {
        this.knowledgePages = knowledgePages;
    }

    public CdsServiceResponseJson map(String hook, String patientId, Evaluation evaluation) {
        CdsServiceResponseJson response = new CdsServiceResponseJson();
        List<Recommendation> recommendations =
                evaluation.recommendations() == null ? List.of() : evaluation.recommendations();
        StatusVerdict status = evaluation.status();
        boolean quiet = status != null && CardCodes.QUIET_STATUSES.contains(status.code());
        if (!(hook.equals("patient-view") && quiet)) {
            omittedCard(hook, patientId, evaluation.omitted()).ifPresent(response::addCard);
        }
        if (!hook.equals("patient-view")) {
            for (Recommendation recommendation : recommendations) {
                response.addCard(recommendationCard(hook, patientId, recommendation));
            }
            return response;
        }
        if (quiet) {
            // Never given PD-(L)1 blockade: nothing has resisted it yet, so a finding is not shown as a
            // resistance mechanism (the operation's answer still holds what the engine read).
            return response;
        }
        if (status != null) {
            response.addCard(statusCard(hook, patientId, status, evaluation.derivedObservations()));
        }
        Set<Recommendation> shown = Collections.newSetFromMap(new IdentityHashMap<>());
        List<MechanismFinding> mechanisms = evaluation.mechanisms() == null ? List.of() : evaluation.mechanisms();
        for (MechanismFinding mechanism : mechanisms) {
            List<Recommendation> strategies = recommendations.stream()
                    .filter(r -> r.mechanisms() != null && r.mechanisms().contains(mechanism.code()))
                    .toList();
            shown.addAll(strategies);
            response.addCard(mechanismCard(hook, patientId, mechanism, strategies));
        }
        for (Recommendation recommendation : recommendations) {
            if (!shown.contains(recommendation)) {
                response.addCard(recommendationCard(hook, patientId, recommendation));
            }
        }
        return response;
    }

    /**
     * Knowledge that failed for this patient left recommendations out: the clinician is told the cards are not the
     * whole guidance, rather than reading the absence of a card as "nothing applies". Not on patient-view for a
     * patient never given PD-(L)1 blockade, who gets no card at all.
     */
    private Optional<CdsServiceResponseCardJson> omittedCard(
            String hook, String patientId, List<OmittedRecommendation> omitted) {
        if (omitted == null || omitted.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder md = new StringBuilder("The knowledge base could not be evaluated on this patient's data for the "
                + "following, so they, and any recommendations they group, are left out of these cards:\n\n");
        CardText.appendBullets(md, omitted.stream()
                .map(o -> "\"" + o.title() + "\" (incident " + o.incident() + ")")
                .toList());
        md.append("\nThe other cards are not the whole guidance for this patient. The server's log holds each incident "
                + "for the knowledge's authors.\n\nEvidence level: not applicable (a notice about this answer, not a "
                + "recommendation).\n");
        return Optional.of(new CdsServiceResponseCardJson()
                .setUuid(CardIds.of(hook, patientId, "omitted", String.join(",", omitted.stream()
                        .map(o -> o.planDefinition() + "#" + o.actionId()).toList())))
                .setSummary(CardText.summary("Guidance incomplete: " + count(omitted.size(), "recommendation",
                        "recommendations") + " could not be evaluated for this patient"))
                .setIndicator(CdsServiceIndicatorEnum.WARNING)
                .setDetail(md.toString())
                .setSource(new CdsServiceResponseCardSourceJson()
                        .setLabel("Resistance CDS knowledge base")
                        .setUrl(knowledgePages.index())));
    }

    private CdsServiceResponseCardJson statusCard(
            String hook, String patientId, StatusVerdict status, List<Observation> derived) {
        StringBuilder md = new StringBuilder();
        md.append("**Resistance status:** ").append(CardText.escape(status.display()))
                .append(" (`").append(status.code()).append("`)\n\n");
        if (status.reasons() != null && !status.reasons().isEmpty()) {
            md.append("**Why**\n");
            CardText.appendBullets(md, status.reasons());
        }
        CardText.appendEvidenceResources(md, status.evidence() == null ? List.of() : status.evidence());
        md.append("\nEvidence level: consensus definition of resistance (a classification, not a treatment "
                + "recommendation).\n\nCriteria:\n");
        for (CardCodes.Reference reference : CardCodes.STATUS_CRITERIA) {
            CardText.appendReference(md, reference.label(), reference.citation(), reference.doi());
        }
        CardCodes.Reference sitc = CardCodes.STATUS_CRITERIA.get(0);
        CdsServiceResponseCardSourceJson source = new CdsServiceResponseCardSourceJson()
                .setLabel(sitc.label() + " definition")
                .setUrl(CardText.doiUrl(sitc.doi()));
        statusTopic(status, derived).ifPresent(source::setTopic);
        return new CdsServiceResponseCardJson()
                .setUuid(CardIds.of(hook, patientId, "status", status.code()))
                .setSummary(CardText.summary("PD-(L)1 inhibitor resistance status: " + status.display()))
                .setIndicator(CardCodes.WARNING_STATUSES.contains(status.code())
                        ? CdsServiceIndicatorEnum.WARNING
                        : CdsServiceIndicatorEnum.INFO)
                .setDetail(md.toString())
                .setSource(source)
                .setOverrideReasons(overrideReasons());
    }

    private CdsServiceResponseCardJson mechanismCard(
            String hook, String patientId, MechanismFinding mechanism, List<Recommendation> strategies) {
        String cardId = CardIds.of(hook, patientId, "mechanism", mechanism.code());
        StringBuilder md = new StringBuilder();
        md.append("**Resistance mechanism:** ").append(CardText.escape(mechanism.display()))
                .append(" (`").append(mechanism.code()).append("`), confidence **")
                .append(mechanism.confidence()).append("**\n\n");
        if (mechanism.reasons() != null && !mechanism.reasons().isEmpty()) {
            md.append("**Findings**\n");
            CardText.appendBullets(md, mechanism.reasons());
        }
        CardText.appendEvidenceResources(md, mechanism.evidence() == null ? List.of() : mechanism.evidence());
        // Heads the taxonomy reference as "Criteria:" heads the status card's (it read "Mechanism category after:").
        md.append("\nClassification:\n");
        CardText.appendReference(md, CardCodes.MECHANISM_TAXONOMY.label(), CardCodes.MECHANISM_TAXONOMY.citation(),
                CardCodes.MECHANISM_TAXONOMY.doi());
        if (strategies.isEmpty()) {
            md.append("\nNo strategy in the knowledge base addresses this mechanism. Evidence level: not "
                    + "applicable (a finding, not a recommendation).\n");
        } else {
            md.append("\n### Strategies\n");
            int n = 1;
            for (Recommendation strategy : strategies) {
                md.append("\n#### ").append(n++).append(". ").append(CardText.escape(strategy.title())).append('\n');
                appendRecommendationBody(md, strategy);
            }
        }
        CdsServiceResponseCardJson card = new CdsServiceResponseCardJson()
                .setUuid(cardId)
                .setSummary(CardText.summary(mechanismSummary(mechanism, strategies)))
                .setIndicator(strategies.stream()
                        .map(r -> indicator(r.priority()))
                        .max(Enum::compareTo)
                        .orElse(CdsServiceIndicatorEnum.INFO))
                .setDetail(md.toString())
                .setSource(source(strategies)
                        .setTopic(coding(CardCodes.MECHANISM_SYSTEM, mechanism.code(), mechanism.display())))
                .setOverrideReasons(overrideReasons());
        for (Recommendation strategy : strategies) {
            addSuggestions(card, patientId, strategy);
        }
        return card;
    }

    private CdsServiceResponseCardJson recommendationCard(String hook, String patientId, Recommendation r) {
        String title = r.labelledTitle();
        StringBuilder md = new StringBuilder();
        appendRecommendationBody(md, r);
        if (r.mechanisms() != null && !r.mechanisms().isEmpty()) {
            md.append("\nAddresses mechanism: ").append(String.join(", ", r.mechanisms().stream()
                    .map(code -> "`" + code + "`").toList())).append('\n');
        }
        CdsServiceResponseCardSourceJson source = source(List.of(r));
        if (r.mechanisms() != null && r.mechanisms().size() == 1) {
            source.setTopic(coding(CardCodes.MECHANISM_SYSTEM, r.mechanisms().get(0), null));
        }
        CdsServiceResponseCardJson card = new CdsServiceResponseCardJson()
                .setUuid(CardIds.of(hook, patientId, r.planDefinition(), r.actionId()))
                .setSummary(CardText.summary(title))
                .setIndicator(indicator(r.priority()))
                .setDetail(md.toString())
                .setSource(source)
                .setOverrideReasons(overrideReasons());
        addSuggestions(card, patientId, r);
        return card;
    }

    private static void appendRecommendationBody(StringBuilder md, Recommendation r) {
        // Knowledge that already says so in its own words (and says where to offer it) is not told twice.
        if (r.needsInvestigationalNote()) {
            md.append(CardText.INVESTIGATIONAL).append("\n\n");
        }
        if (r.description() != null && !r.description().isBlank()) {
            md.append(r.description().strip()).append("\n\n");
        }
        md.append("Evidence level: ").append(CardText.evidenceLevel(r.evidenceLevel())).append(".\n\n");
        CardText.appendCitations(md, r.citations() == null ? List.of() : r.citations());
    }

    private static String mechanismSummary(MechanismFinding mechanism, List<Recommendation> strategies) {
        String head = mechanism.display() + " (" + mechanism.confidence() + ")";
        if (strategies.isEmpty()) {
            return head + ": no matched strategy in the knowledge base";
        }
        long investigational = strategies.stream().filter(Recommendation::investigational).count();
        if (investigational == strategies.size()) {
            return head + ": " + count(strategies.size(), "investigational strategy", "investigational strategies")
                    + ", clinical trials only";
        }
        return head + ": " + count(strategies.size(), "strategy", "strategies") + " to consider"
                + (investigational > 0 ? " (" + investigational + " investigational)" : "");
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /**
     * The card's source: the first reference with a verified DOI (the evidence a clinician would open), else the
     * first reference's label with a link to the recommendation on this server's knowledge page (the knowledge's
     * canonical URL names it but opens nothing), or to the knowledge index when there is no recommendation.
     */
    private CdsServiceResponseCardSourceJson source(List<Recommendation> recommendations) {
        Citation first = null;
        Recommendation cited = recommendations.isEmpty() ? null : recommendations.get(0);
        for (Recommendation r : recommendations) {
            for (Citation citation : r.citations() == null ? List.<Citation>of() : r.citations()) {
                if (first == null) {
                    first = citation;
                    cited = r;
                }
                if (citation.doi() != null && !citation.doi().isBlank()) {
                    return new CdsServiceResponseCardSourceJson()
                            .setLabel(label(citation))
                            .setUrl(CardText.doiUrl(citation.doi()));
                }
            }
        }
        return new CdsServiceResponseCardSourceJson()
                .setLabel(first == null ? "Resistance CDS knowledge base" : label(first))
                .setUrl(cited == null
                        ? knowledgePages.index()
                        : knowledgePages.action(cited.planDefinition(), cited.actionId()));
    }

    private static String label(Citation citation) {
        String label = citation.label() != null && !citation.label().isBlank() ? citation.label() : citation.citation();
        return label == null || label.isBlank() ? "Resistance CDS knowledge base" : CardText.summary(label);
    }

    private static void addSuggestions(CdsServiceResponseCardJson card, String patientId, Recommendation r) {
        if (r.suggestions() == null) {
            return;
        }
        int index = 0;
        for (Recommendation.Suggestion suggestion : r.suggestions()) {
            String uuid = CardIds.of(card.getUuid(), r.planDefinition(), r.actionId(), String.valueOf(index++));
            String label = r.labelOf(suggestion);
            CdsServiceResponseSuggestionJson json = new CdsServiceResponseSuggestionJson()
                    .setLabel(CardText.summary(label))
                    .setUuid(uuid);
            if (suggestion.resource() != null) {
                json.addAction(new CdsServiceResponseSuggestionActionJson()
                        .setType("create")
                        .setDescription(label)
                        .setResource(suggestedResource(r.proposalOf(suggestion), uuid, patientId)));
            }
            card.addSuggestion(json);
        }
        if (card.getSuggestions() != null && !card.getSuggestions().isEmpty()) {
            // Each suggestion stands alone (one test, one referral): the clinician may take any of them.
            card.setSelectionBehaviour("any");
        }
    }

    /**
     * The proposal made creatable by the EHR: it needs an id to be referred to, and a ServiceRequest its subject. The
     * engine's reference to the status assessment it derived ({@code Observation/resistance-status-...}) is left out:
     * that Observation is this server's, not the EHR's, so the EHR would create a request citing nothing it holds. The
     * mechanisms stay as {@code reasonCode}, and the card says which status the proposal rests on.
     */
    private static Resource suggestedResource(Resource copy, String uuid, String patientId) {
        if (!copy.getIdElement().hasIdPart()) {
            copy.setId(uuid);
        }
        if (copy instanceof ServiceRequest request) {
            if (!request.hasSubject()) {
                request.setSubject(new Reference("Patient/" + patientId));
            }
            request.getReasonReference().removeIf(reason -> KnowledgeCodes.isDerivedAssessmentId(
                    reason.getReferenceElement().getIdPart()));
        }
        return copy;
    }

    static CdsServiceIndicatorEnum indicator(String priority) {
        if (priority == null) {
            return CdsServiceIndicatorEnum.INFO;
        }
        return switch (priority) {
            case "asap", "stat" -> CdsServiceIndicatorEnum.CRITICAL;
            case "urgent" -> CdsServiceIndicatorEnum.WARNING;
            default -> CdsServiceIndicatorEnum.INFO;
        };
    }

    private static Optional<CdsServiceResponseCodingJson> statusTopic(
            StatusVerdict status, List<Observation> derived) {
        // The status CodeSystem belongs to the knowledge content: take its URL from the engine's own Observation.
        for (Observation observation : derived == null ? List.<Observation>of() : derived) {
            if (observation.hasValueCodeableConcept()) {
                for (Coding coding : observation.getValueCodeableConcept().getCoding()) {
                    if (status.code().equals(coding.getCode()) && coding.hasSystem()) {
                        return Optional.of(coding(coding.getSystem(), coding.getCode(), status.display()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static CdsServiceResponseCodingJson coding(String system, String code, String display) {
        return new CdsServiceResponseCodingJson().setSystem(system).setCode(code).setDisplay(display);
    }

    private static List<CdsServiceResponseCodingJson> overrideReasons() {
        List<CdsServiceResponseCodingJson> reasons = new ArrayList<>();
        CardCodes.OVERRIDE_REASONS.forEach(
                (code, display) -> reasons.add(coding(CardCodes.OVERRIDE_REASON_SYSTEM, code, display)));
        return reasons;
    }
}
