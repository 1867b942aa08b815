package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.resistancecds.config.OperationBody;

/**
 * Answers {@code ConceptMap/$translate} with {@code reverse=true} from the stored ConceptMap, for a map named by
 * {@code url} or by id: every source code mapped to the given code. HAPI's reverse lookup kept one source per target
 * (two elements mapping to the same target code and equivalence counted as one), so the genes of a mechanism came
 * back as JAK1 without JAK2. The answer HAPI built is rewritten in its own shape (result, message, one match per
 * source code and equivalence, with concept and source). A reverse translation across all maps (no url, no id), or
 * one scoped by the {@code source} or {@code target} value set, is left as HAPI answers it.
 */
public class ReverseTranslation {

    private static final Set<String> NEGATIVE = Set.of("unmatched", "disjoint");

    private final FhirContext context;
    private final DaoRegistry daoRegistry;

    public ReverseTranslation(FhirContext context, DaoRegistry daoRegistry) {
        this.context = context;
        this.daoRegistry = daoRegistry;
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean rewrite(RequestDetails request, IBaseResource response) {
        if (!"$translate".equals(request.getOperation()) || !"ConceptMap".equals(request.getResourceName())
                || !(response instanceof Parameters answer)
                || !OperationBody.value(request, context, "reverse").map(Boolean::parseBoolean).orElse(false)) {
            return true;
        }
        Optional<Coding> coding = given(request);
        if (coding.isEmpty() || OperationBody.value(request, context, "source").isPresent()
                || OperationBody.value(request, context, "target").isPresent()) {
            return true; // a CodeableConcept, or value-set scopes: HAPI's answer stands
        }
        Optional<ConceptMap> map = map(request);
        if (map.isEmpty()) {
            return true;
        }
        Optional<String> sourceSystem = OperationBody.value(request, context, "targetsystem");
        Map<String, Parameters.ParametersParameterComponent> matches = new LinkedHashMap<>();
        boolean positive = false;
        for (ConceptMapGroupComponent group : map.get().getGroup()) {
            if ((coding.get().hasSystem() && !coding.get().getSystem().equals(group.getTarget()))
                    || (sourceSystem.isPresent() && !sourceSystem.get().equals(group.getSource()))) {
                continue;
            }
            for (SourceElementComponent element : group.getElement()) {
                for (TargetElementComponent target : element.getTarget()) {
                    if (coding.get().getCode().equals(target.getCode())) {
                        matches.putIfAbsent(group.getSource() + "|" + element.getCode() + "|"
                                        + target.getEquivalence(), match(group, element, target, map.get().getUrl()));
                        // FHIR: result is true only if a match's equivalence is other than unmatched or disjoint.
                        positive |= !target.hasEquivalence() || !NEGATIVE.contains(target.getEquivalence().toCode());
                    }
                }
            }
        }
        answer.getParameter().clear();
        answer.addParameter().setName("result").setValue(new BooleanType(positive));
        answer.addParameter().setName("message").setValue(new StringType(matches.isEmpty() ? "No Matches found"
                : positive ? "Matches found" : "Only negative matches found"));
        matches.values().forEach(answer::addParameter);
        return true;
    }

    private static Parameters.ParametersParameterComponent match(ConceptMapGroupComponent group,
            SourceElementComponent element, TargetElementComponent target, String mapUrl) {
        Parameters.ParametersParameterComponent match = new Parameters.ParametersParameterComponent().setName("match");
        if (target.hasEquivalence()) {
            match.addPart().setName("equivalence").setValue(new CodeType(target.getEquivalence().toCode()));
        }
        Coding concept = new Coding(group.getSource(), element.getCode(), element.getDisplay());
        if (group.hasSourceVersion()) {
            concept.setVersion(group.getSourceVersion());
        }
        match.addPart().setName("concept").setValue(concept);
        match.addPart().setName("source").setValue(new UriType(mapUrl));
        return match;
    }

    /** {@code system} and {@code code}, or {@code coding}; empty for a CodeableConcept, left to HAPI. */
    private Optional<Coding> given(RequestDetails request) {
        Optional<String> code = OperationBody.value(request, context, "code");
        if (code.isPresent()) {
            return Optional.of(new Coding(OperationBody.value(request, context, "system").orElse(null), code.get(),
                    null));
        }
        return OperationBody.parameters(request, context).flatMap(body -> body.getParameter().stream()
                .filter(p -> "coding".equals(p.getName()) && p.getValue() instanceof Coding c && c.hasCode())
                .map(p -> (Coding) p.getValue())
                .findFirst());
    }

    /** The map named by id, or by url (and conceptMapVersion): the most recently stored of that url. */
    private Optional<ConceptMap> map(RequestDetails request) {
        if (request.getId() != null && request.getId().hasIdPart()) {
            return Optional.of((ConceptMap) daoRegistry.getResourceDao("ConceptMap")
                    .read(request.getId(), new SystemRequestDetails()));
        }
        Optional<String> url = OperationBody.value(request, context, "url");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        SearchParameterMap search = SearchParameterMap.newSynchronous("url", new UriParam(url.get()));
        OperationBody.value(request, context, "conceptMapVersion")
                .ifPresent(version -> search.add("version", new TokenParam(version)));
        List<IBaseResource> found =
                daoRegistry.getResourceDao("ConceptMap").searchForResources(search, new SystemRequestDetails());
        return found.stream()
                .map(ConceptMap.class::cast)
                .max(Comparator.comparing((ConceptMap stored) -> stored.getMeta().getLastUpdated()));
    }
}
