package org.resistancecds.knowledgepage;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.UriParam;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * The PlanDefinitions and the citations Library as stored, which is what the engine follows (packaged at start,
 * changed through the API since). Read as the system: they hold no patient data, and the pages need no token.
 */
final class StoredPlans {

    private final DaoRegistry daoRegistry;

    StoredPlans(DaoRegistry daoRegistry) {
        this.daoRegistry = daoRegistry;
    }

    /** The plan at a canonical URL: the one in force when a retired copy shares the URL, as the engine does. */
    Optional<PlanDefinition> plan(String canonical) {
        return byUrl("PlanDefinition", canonical).stream().map(PlanDefinition.class::cast).findFirst();
    }

    /** Our PlanDefinitions (canonical under the project's base), one per URL as {@link #plan} picks it, by title. */
    List<PlanDefinition> all() {
        List<IBaseResource> stored = daoRegistry.getResourceDao("PlanDefinition")
                .searchForResources(SearchParameterMap.newSynchronous(), new SystemRequestDetails());
        Map<String, PlanDefinition> byUrl = new LinkedHashMap<>();
        inForceFirst(stored).stream()
                .map(PlanDefinition.class::cast)
                .filter(plan -> KnowledgePageLinks.pageId(plan.getUrl()) != null)
                .forEach(plan -> byUrl.putIfAbsent(plan.getUrl(), plan));
        return byUrl.values().stream()
                .sorted(Comparator.comparing(plan -> plan.hasTitle() ? plan.getTitle() : plan.getUrl()))
                .toList();
    }

    /** The evidence catalogue, or null when it is not stored (the pages then show the citations alone). */
    Library citations() {
        return byUrl("Library", KnowledgeCodes.CITATION_LIBRARY).stream()
                .map(Library.class::cast).findFirst().orElse(null);
    }

    private List<IBaseResource> byUrl(String type, String canonical) {
        return inForceFirst(daoRegistry.getResourceDao(type).searchForResources(
                SearchParameterMap.newSynchronous("url", new UriParam(canonical)), new SystemRequestDetails()));
    }

    /** Retired resources after the others (the engine applies only the others). */
    private static List<IBaseResource> inForceFirst(List<IBaseResource> resources) {
        return resources.stream().sorted(Comparator.comparing((IBaseResource resource) ->
                resource instanceof MetadataResource metadata
                        && metadata.getStatus() == Enumerations.PublicationStatus.RETIRED)).toList();
    }
}
