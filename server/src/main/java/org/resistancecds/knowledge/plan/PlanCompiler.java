package org.resistancecds.knowledge.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.ActionConditionKind;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionConditionComponent;
import org.hl7.fhir.r4.model.RelatedArtifact;
import org.hl7.fhir.r4.model.TriggerDefinition;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.KnowledgeException;
import org.resistancecds.knowledge.Recommendation.Citation;
import org.resistancecds.knowledge.terminology.CitationCatalog;
import org.resistancecds.knowledge.terminology.StrategyEvidence;

/**
 * Turns PlanDefinitions into {@link CompiledPlan}s once, refusing content the engine could not apply honestly:
 * a condition that does not parse or uses an unknown variable, a recommendation without evidence level or
 * citation, a citation that differs from the catalogue, a suggestion whose ActivityDefinition is missing, an
 * evidence level stronger than the strategy's own.
 */
public final class PlanCompiler {

    /** Events a PlanDefinition may answer: the CDS hooks we serve and the FHIR operation. */
    public static final Set<String> TRIGGERS = Set.of("patient-view", "order-select", "order-sign", "evaluate-resistance");

    private static final Set<String> EVIDENCE_LEVELS = Set.copyOf(KnowledgeCodes.EVIDENCE_LEVELS);
    private static final String FHIRPATH = "text/fhirpath";
    /** An HTML tag or comment (not a Markdown autolink such as {@code <https://doi.org/...>}), or a script link. */
    private static final Pattern MARKUP = Pattern.compile(
            "<(?!https?:|mailto:)[a-z/!?]|\\b(?:javascript|vbscript)\\s*:|\\]\\(\\s*data:", Pattern.CASE_INSENSITIVE);

    private final ExpressionEngine expressions;
    private final CitationCatalog catalogue;
    private final Map<String, ActivityTemplate> activities;
    private final StrategyEvidence strategies;

    public PlanCompiler(ExpressionEngine expressions, CitationCatalog catalogue, Map<String, ActivityTemplate> activities,
            StrategyEvidence strategies) {
        this.expressions = expressions;
        this.catalogue = catalogue;
        this.activities = activities;
        this.strategies = strategies;
    }

    public CompiledPlan compile(PlanDefinition plan) {
        if (!plan.hasUrl() || plan.getAction().isEmpty()) {
            throw new KnowledgeException("PlanDefinition/" + plan.getIdElement().getIdPart() + ": needs a url and actions");
        }
        Set<String> ids = new HashSet<>();
        List<CompiledAction> actions = new ArrayList<>();
        for (PlanDefinitionActionComponent action : plan.getAction()) {
            Set<String> triggers = triggers(plan.getUrl(), action);
            actions.add(compile(plan.getUrl(), action, triggers, ids));
        }
        return new CompiledPlan(plan.getUrl(), plan.getTitle(), List.copyOf(actions));
    }

    private CompiledAction compile(String planUrl, PlanDefinitionActionComponent action, Set<String> triggers, Set<String> ids) {
        String location = planUrl + "#" + (action.hasId() ? action.getId() : "(action titled '" + action.getTitle() + "')");
        if (!action.hasId() || !ids.add(action.getId())) {
            throw new KnowledgeException(location + ": every action needs an id, unique in its PlanDefinition");
        }
        if (!action.hasTitle() || action.getTitle().length() >= 140) {
            throw new KnowledgeException(location + ": needs a title under 140 characters (it becomes a card summary)");
        }
        plainText(location, "title", action.getTitle());
        plainText(location, "description", action.getDescription());
        List<CompiledExpression> conditions = new ArrayList<>();
        for (PlanDefinitionActionConditionComponent condition : action.getCondition()) {
            conditions.add(compileCondition(location, condition));
        }
        List<CompiledAction> children = new ArrayList<>();
        for (PlanDefinitionActionComponent child : action.getAction()) {
            if (child.hasTrigger()) {
                throw new KnowledgeException(location + "/" + child.getId() + ": only top-level actions have triggers");
            }
            children.add(compile(planUrl, child, triggers, ids));
        }
        if (!children.isEmpty()) {
            return new CompiledAction(planUrl, action.getId(), action.getTitle(), action.getDescription(), null, triggers,
                    List.copyOf(conditions), List.copyOf(children), null, List.of(), List.of(), List.of(), List.of(), null);
        }
        CompiledAction leaf = new CompiledAction(planUrl, action.getId(), action.getTitle(), required(location, action.getDescription(), "a description"),
                action.hasPriority() ? action.getPriority().toCode() : "routine", triggers, List.copyOf(conditions), List.of(),
                evidenceLevel(location, action), copies(action.getCode()), mechanisms(action), copies(action.getReason()),
                citations(location, action), suggestion(location, action));
        withinStrategyEvidence(location, leaf);
        return leaf;
    }

    /**
     * Titles become card summaries (plain text) and descriptions card details (Markdown), which EHRs render: HTML in
     * them, or a link to a script, would run in the EHR's page, so only text and Markdown's own syntax are taken.
     */
    private static void plainText(String location, String field, String text) {
        if (text == null) {
            return;
        }
        Matcher markup = MARKUP.matcher(text);
        if (markup.find()) {
            throw new KnowledgeException(location + ": the " + field + " holds HTML or a script link ('" + markup.group()
                    + "'); write text and Markdown only (cards are shown in the EHR's page)");
        }
    }

    private Set<String> triggers(String planUrl, PlanDefinitionActionComponent action) {
        Set<String> names = new LinkedHashSet<>();
        for (TriggerDefinition trigger : action.getTrigger()) {
            if (trigger.getType() != TriggerDefinition.TriggerType.NAMEDEVENT || !TRIGGERS.contains(trigger.getName())) {
                throw new KnowledgeException(planUrl + "#" + action.getId() + ": triggers must be named events among " + TRIGGERS);
            }
            names.add(trigger.getName());
        }
        if (names.isEmpty()) {
            throw new KnowledgeException(planUrl + "#" + action.getId() + ": a top-level action needs a named-event trigger");
        }
        return Set.copyOf(names);
    }

    private CompiledExpression compileCondition(String location, PlanDefinitionActionConditionComponent condition) {
        if (condition.getKind() != ActionConditionKind.APPLICABILITY) {
            throw new KnowledgeException(location + ": only applicability conditions are supported");
        }
        if (!FHIRPATH.equals(condition.getExpression().getLanguage()) || !condition.getExpression().hasExpression()) {
            throw new KnowledgeException(location + ": conditions must be inline " + FHIRPATH + " expressions");
        }
        return expressions.compile(condition.getExpression().getExpression(), location);
    }

    private static String evidenceLevel(String location, PlanDefinitionActionComponent action) {
        List<Extension> extensions = action.getExtensionsByUrl(KnowledgeCodes.EVIDENCE_LEVEL_EXTENSION);
        if (extensions.size() > 1) {
            throw new KnowledgeException(location + ": states its evidence level " + extensions.size() + " times "
                    + "(extension " + KnowledgeCodes.EVIDENCE_LEVEL_EXTENSION + "); state it once");
        }
        Extension extension = extensions.isEmpty() ? null : extensions.get(0);
        String level = extension != null && extension.getValue() instanceof CodeableConcept concept
                ? concept.getCoding().stream()
                        .filter(c -> KnowledgeCodes.EVIDENCE_LEVEL_SYSTEM.equals(c.getSystem()))
                        .map(Coding::getCode)
                        .findFirst()
                        .orElse(null)
                : null;
        if (level == null || !EVIDENCE_LEVELS.contains(level)) {
            throw new KnowledgeException(location + ": every recommendation states its evidence level (extension "
                    + KnowledgeCodes.EVIDENCE_LEVEL_EXTENSION + ", a code of " + KnowledgeCodes.EVIDENCE_LEVEL_SYSTEM
                    + ": one of " + EVIDENCE_LEVELS + ")" + (level == null ? "" : "; '" + level + "' is none of them"));
        }
        return level;
    }

    /** A strategy-coded action claims no more than the strategy CodeSystem rates that strategy against resistance. */
    private void withinStrategyEvidence(String location, CompiledAction action) {
        String level = action.evidenceLevel();
        for (String strategy : action.strategyCodes()) {
            String ceiling = strategies.ceiling(strategy).orElseThrow(() -> new KnowledgeException(location
                    + ": strategy '" + strategy + "' is not in " + KnowledgeCodes.STRATEGY_SYSTEM));
            if (StrategyEvidence.exceeds(level, ceiling)) {
                throw new KnowledgeException(location + ": states evidence level '" + level + "', but "
                        + KnowledgeCodes.STRATEGY_SYSTEM + " rates strategy '" + strategy + "' at '" + ceiling
                        + "' against acquired resistance; a recommendation may not claim stronger evidence than its"
                        + " strategy, nor drop its investigational label (the CodeSystem's evidence-level changes"
                        + " with the evidence, in the terminology file)");
            }
        }
    }

    private static List<String> mechanisms(PlanDefinitionActionComponent action) {
        return action.getReason().stream()
                .flatMap(r -> r.getCoding().stream())
                .filter(c -> KnowledgeCodes.MECHANISM_SYSTEM.equals(c.getSystem()))
                .map(Coding::getCode)
                .toList();
    }

    private List<Citation> citations(String location, PlanDefinitionActionComponent action) {
        List<Citation> citations = new ArrayList<>();
        for (RelatedArtifact artifact : action.getDocumentation()) {
            if (artifact.getType() != RelatedArtifact.RelatedArtifactType.CITATION) {
                continue;
            }
            Citation citation = CitationCatalog.toCitation(artifact);
            Citation known = catalogue.find(citation.label()).orElseThrow(() -> new KnowledgeException(
                    location + ": citation '" + citation.label() + "' is not in the citation Library"));
            if (!known.equals(citation)) {
                throw new KnowledgeException(location + ": citation '" + citation.label()
                        + "' differs from the citation Library (text or DOI)");
            }
            citations.add(known);
        }
        if (citations.isEmpty()) {
            throw new KnowledgeException(location + ": every recommendation cites its evidence (documentation, type citation)");
        }
        return List.copyOf(citations);
    }

    private ActivityTemplate suggestion(String location, PlanDefinitionActionComponent action) {
        if (!action.hasDefinitionCanonicalType()) {
            return null;
        }
        String canonical = action.getDefinitionCanonicalType().getValue();
        ActivityTemplate template = activities.get(canonical);
        if (template == null) {
            throw new KnowledgeException(location + ": definitionCanonical " + canonical + " is not a loaded ActivityDefinition");
        }
        return template;
    }

    private static String required(String location, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new KnowledgeException(location + ": needs " + what);
        }
        return value;
    }

    private static List<CodeableConcept> copies(List<CodeableConcept> concepts) {
        return concepts.stream().filter(Objects::nonNull).map(CodeableConcept::copy).toList();
    }
}
