package org.resistancecds.cds.prefetch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.cds.CdsHooksException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Answers prefetch queries from this server's own repository through HAPI's DAOs: a read for
 * {@code Type/id}, one synchronous search (no paging, no cached search) for {@code Type?params}, with the resources
 * its {@code _include} and {@code _revinclude} name as {@code include} entries. The queries of one call that read
 * one patient's record run as a single search ({@link PatientCompartmentPlan}).
 */
public final class RepositoryReader {

    private final FhirContext fhirContext;
    private final DaoRegistry daoRegistry;
    private final MatchUrlService matchUrlService;
    private final int maxResources;
    private final TransactionTemplate readOnly;
    private final Integer includeCap;
    private final FhirTerser terser;

    public RepositoryReader(
            FhirContext fhirContext,
            DaoRegistry daoRegistry,
            MatchUrlService matchUrlService,
            int maxResources,
            Integer includeCap,
            PlatformTransactionManager transactions) {
        this.fhirContext = fhirContext;
        this.daoRegistry = daoRegistry;
        this.matchUrlService = matchUrlService;
        this.maxResources = maxResources;
        this.includeCap = includeCap;
        this.terser = fhirContext.newTerser();
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /**
     * Runs several rendered queries (key to query) in one read-only transaction: HAPI's DAOs join it, so there is
     * one commit instead of one per query, and Hibernate skips the dirty check of every loaded row at commit,
     * which otherwise costs about a third of a search.
     */
    public Map<String, IBaseResource> fetchAll(Map<String, String> queries) {
        return readOnly.execute(status -> {
            Optional<Map<String, IBaseResource>> together = PatientCompartmentPlan.of(queries, fhirContext)
                    .flatMap(this::fetchTogether);
            if (together.isPresent()) {
                return together.get();
            }
            Map<String, IBaseResource> results = new LinkedHashMap<>();
            queries.forEach((key, query) -> results.put(key, fetch(key, query)));
            return results;
        });
    }

    /**
     * Answers a patient's record with one search (see {@link PatientCompartmentPlan}) and hands each key what its
     * own query would have found. Empty when that cannot be told for certain: the patient is not stored, a search
     * matches more than the limit (the query-by-query path then answers 412), or HAPI's cap on included resources
     * was reached (some could be missing).
     */
    private Optional<Map<String, IBaseResource>> fetchTogether(PatientCompartmentPlan plan) {
        SearchParameterMap map = matchUrlService.translateMatchUrl(plan.combinedQuery(),
                fhirContext.getResourceDefinition("Patient"), MatchUrlService.processIncludes());
        map.setLoadSynchronous(true);
        List<IBaseResource> found = daoRegistry.getResourceDao("Patient").search(map, new SystemRequestDetails())
                .getAllResources();
        if (found.isEmpty() || (includeCap != null && found.size() - 1 >= includeCap)) {
            return Optional.empty();
        }
        Map<String, List<Resource>> byType = new HashMap<>();
        IBaseResource patient = null;
        for (IBaseResource resource : found) {
            if (ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.get(resource) == BundleEntrySearchModeEnum.INCLUDE) {
                byType.computeIfAbsent(fhirContext.getResourceType(resource), t -> new ArrayList<>())
                        .add((Resource) resource);
            } else {
                patient = resource;
            }
        }
        Map<String, IBaseResource> results = new LinkedHashMap<>();
        for (String key : plan.keys()) {
            if (key.equals(plan.readKey())) {
                results.put(key, patient);
                continue;
            }
            PatientCompartmentPlan.Search search = plan.searches().get(key);
            List<Resource> matches = byType.getOrDefault(search.type(), List.of());
            if (matches.size() > maxResources) {
                return Optional.empty();
            }
            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(matches.size());
            matches.forEach(match -> bundle.addEntry().setResource(match).getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH));
            if (!search.includes().isEmpty()) {
                referencedBy(matches, byType, search.targets()).forEach(included -> bundle.addEntry()
                        .setResource(included).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE));
            }
            results.put(key, bundle);
        }
        return Optional.of(results);
    }

    /** The resources of the target types that the matches refer to, as their own _include would have loaded. */
    private List<Resource> referencedBy(List<Resource> matches, Map<String, List<Resource>> byType, Set<String> types) {
        Set<String> references = new HashSet<>();
        for (Resource match : matches) {
            for (IBaseReference reference : terser.getAllPopulatedChildElementsOfType(match, IBaseReference.class)) {
                references.add(reference.getReferenceElement().toUnqualifiedVersionless().getValue());
            }
        }
        List<Resource> referenced = new ArrayList<>();
        for (String type : types) {
            for (Resource candidate : byType.getOrDefault(type, List.of())) {
                if (references.contains(candidate.getIdElement().toUnqualifiedVersionless().getValue())) {
                    referenced.add(candidate);
                }
            }
        }
        return referenced;
    }

    /** Runs one rendered prefetch query; a read of a missing resource or a failed search is a 412. */
    public IBaseResource fetch(String key, String query) {
        int question = query.indexOf('?');
        String path = question < 0 ? query : query.substring(0, question);
        String type = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
        if (!daoRegistry.isResourceTypeSupported(type)) {
            throw CdsHooksException.preconditionFailed(
                    "prefetch " + key + ": this server holds no " + type + " resources to answer '" + query + "'.");
        }
        IFhirResourceDao<?> dao = daoRegistry.getResourceDao(type);
        SystemRequestDetails request = new SystemRequestDetails();
        if (question < 0 && path.contains("/")) {
            try {
                return dao.read(new IdType(path), request);
            } catch (ResourceNotFoundException | ResourceGoneException e) {
                throw CdsHooksException.preconditionFailed("prefetch " + key + ": " + path
                        + " was not sent and is not on this server, so there is nothing to decide on.");
            }
        }
        try {
            RuntimeResourceDefinition definition = fhirContext.getResourceDefinition(type);
            // Without the processIncludes flag the translation drops _include and _revinclude, and only search(),
            // not searchForResources(), loads what they name: a therapy that refers to a Medication needs both.
            SearchParameterMap map =
                    matchUrlService.translateMatchUrl(query, definition, MatchUrlService.processIncludes());
            map.setLoadSynchronousUpTo(maxResources + 1);
            List<IBaseResource> found = dao.search(map, request).getAllResources();
            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
            int matches = 0;
            for (IBaseResource resource : found) {
                boolean included =
                        ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.get(resource) == BundleEntrySearchModeEnum.INCLUDE;
                matches += included ? 0 : 1;
                bundle.addEntry().setResource((Resource) resource).getSearch()
                        .setMode(included ? Bundle.SearchEntryMode.INCLUDE : Bundle.SearchEntryMode.MATCH);
            }
            if (matches > maxResources) {
                throw CdsHooksException.preconditionFailed("prefetch " + key + ": '" + query + "' matches more than "
                        + maxResources + " resources (resistance.cds.prefetch.max-resources); the record would be "
                        + "incomplete.");
            }
            bundle.setTotal(matches);
            return bundle;
        } catch (InvalidRequestException e) {
            throw CdsHooksException.preconditionFailed(
                    "prefetch " + key + ": this server cannot run '" + query + "': " + e.getMessage());
        }
    }
}
