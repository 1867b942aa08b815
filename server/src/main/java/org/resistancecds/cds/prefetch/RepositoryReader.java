package org.resistancecds.cds.prefetch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.fhirpath.IFhirPath;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
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
    private final Semaphore turns;
    private final IFhirPath fhirPath;

    public RepositoryReader(
            FhirContext fhirContext,
            DaoRegistry daoRegistry,
            MatchUrlService matchUrlService,
            int maxResources,
            Integer includeCap,
            int concurrentReads,
            PlatformTransactionManager transactions) {
        this.fhirContext = fhirContext;
        this.daoRegistry = daoRegistry;
        this.matchUrlService = matchUrlService;
        this.maxResources = maxResources;
        this.includeCap = includeCap;
        this.turns = new Semaphore(concurrentReads, true);
        this.fhirPath = fhirContext.newFhirPath();
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /**
     * Runs several rendered queries (key to query) in one read-only transaction, when its turn comes: at most
     * {@code concurrentReads} calls read at once, since more callers than cores reading together slowed every one
     * of them (16 callers on 2 cores: 110 calls/s with no limit, 190 with 2 at a time, 180 with 4, 104 with 1).
     * HAPI's DAOs join the transaction, so there is one commit instead of one per query, and Hibernate skips the
     * dirty check of every loaded row at commit, which otherwise costs about a third of a search.
     */
    public Map<String, IBaseResource> fetchAll(Map<String, String> queries) {
        turns.acquireUninterruptibly();
        try {
            return fetchAllNow(queries);
        } finally {
            turns.release();
        }
    }

    private Map<String, IBaseResource> fetchAllNow(Map<String, String> queries) {
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
     * matches more than the limit (the query-by-query path then answers 412), HAPI's cap on included resources
     * was reached (some could be missing), or an include meets a reference that is not a local {@code Type/id}.
     */
    private Optional<Map<String, IBaseResource>> fetchTogether(PatientCompartmentPlan plan) {
        List<IBaseResource> found = search("Patient", plan.combinedQuery());
        if (found.isEmpty() || (includeCap != null && found.size() - 1 >= includeCap)) {
            return Optional.empty();
        }
        IBaseResource patient = null;
        Map<String, List<Resource>> byType = new HashMap<>();
        for (IBaseResource resource : found) {
            if (isIncluded(resource)) {
                byType.computeIfAbsent(fhirContext.getResourceType(resource), t -> new ArrayList<>())
                        .add((Resource) resource);
            } else {
                patient = resource;
            }
        }
        Map<String, List<Resource>> matchesByKey = new LinkedHashMap<>();
        Map<String, Set<String>> referencesByKey = new HashMap<>();
        for (Map.Entry<String, PatientCompartmentPlan.Search> search : plan.searches().entrySet()) {
            List<Resource> matches = byType.getOrDefault(search.getValue().type(), List.of());
            if (matches.size() > maxResources) {
                return Optional.empty();
            }
            matchesByKey.put(search.getKey(), matches);
            Optional<Set<String>> references = includedReferences(matches, search.getValue().includes());
            if (references.isEmpty()) {
                return Optional.empty();
            }
            referencesByKey.put(search.getKey(), references.get());
        }
        Map<String, Resource> included = readAll(referencesByKey.values());
        Map<String, IBaseResource> results = new LinkedHashMap<>();
        for (String key : plan.keys()) {
            if (key.equals(plan.readKey())) {
                results.put(key, patient);
                continue;
            }
            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(matchesByKey.get(key).size());
            matchesByKey.get(key).forEach(match -> bundle.addEntry().setResource(match).getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH));
            referencesByKey.get(key).stream().map(included::get).filter(Objects::nonNull).forEach(resource ->
                    bundle.addEntry().setResource(resource).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE));
            results.put(key, bundle);
        }
        return Optional.of(results);
    }

    /**
     * What the includes point at from these matches, as {@code Type/id}, found as HAPI indexes them: by the
     * FHIRPath of each include's search parameter. Empty when a reference is absolute or not of the form
     * {@code Type/id} (whether HAPI would resolve it here cannot be told without asking it) or the path cannot be
     * evaluated here.
     */
    private Optional<Set<String>> includedReferences(List<Resource> matches, List<PatientCompartmentPlan.Include> includes) {
        Set<String> references = new LinkedHashSet<>();
        for (PatientCompartmentPlan.Include include : includes) {
            for (Resource match : matches) {
                Optional<List<IBaseReference>> found = references(match, include.path());
                if (found.isEmpty()) {
                    return Optional.empty();
                }
                for (IBaseReference reference : found.get()) {
                    IIdType target = reference.getReferenceElement();
                    if (target.isEmpty() || target.isLocal()) {
                        continue;
                    }
                    if (target.isAbsolute() || !target.hasResourceType() || !target.hasIdPart()) {
                        return Optional.empty();
                    }
                    if (include.targets().contains(target.getResourceType())) {
                        references.add(target.toUnqualifiedVersionless().getValue());
                    }
                }
            }
        }
        return Optional.of(references);
    }

    private Optional<List<IBaseReference>> references(Resource resource, String path) {
        try {
            return Optional.of(fhirPath.evaluate(resource, path, IBaseReference.class));
        } catch (RuntimeException unsupportedPath) {
            // e.g. resolve(), which needs a resolver: leave this call to HAPI's own _include.
            return Optional.empty();
        }
    }

    /** Reads the referenced resources, one search per type; deleted or missing ones are left out, as by _include. */
    private Map<String, Resource> readAll(Iterable<Set<String>> referenceSets) {
        Map<String, Set<String>> idsByType = new TreeMap<>();
        for (Set<String> references : referenceSets) {
            for (String reference : references) {
                int slash = reference.indexOf('/');
                idsByType.computeIfAbsent(reference.substring(0, slash), t -> new TreeSet<>())
                        .add(reference.substring(slash + 1));
            }
        }
        Map<String, Resource> read = new HashMap<>();
        idsByType.forEach((type, ids) -> {
            for (IBaseResource resource : search(type, type + "?_id=" + String.join(",", ids))) {
                read.put(resource.getIdElement().toUnqualifiedVersionless().getValue(), (Resource) resource);
            }
        });
        return read;
    }

    private List<IBaseResource> search(String type, String query) {
        SearchParameterMap map = matchUrlService.translateMatchUrl(
                query, fhirContext.getResourceDefinition(type), MatchUrlService.processIncludes());
        map.setLoadSynchronous(true);
        return daoRegistry.getResourceDao(type).search(map, new SystemRequestDetails()).getAllResources();
    }

    private static boolean isIncluded(IBaseResource resource) {
        return ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.get(resource) == BundleEntrySearchModeEnum.INCLUDE;
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
                boolean included = isIncluded(resource);
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
