package org.resistancecds.cds.prefetch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.storage.RecordSnapshot;

/**
 * Answers prefetch queries from this server's own repository through HAPI's DAOs: a read for
 * {@code Type/id}, one synchronous search (no paging, no cached search) for {@code Type?params}, with the resources
 * its {@code _include} and {@code _revinclude} name as {@code include} entries (plain includes answered by
 * {@link IncludedReferences}).
 */
public final class RepositoryReader {

    private final FhirContext fhirContext;
    private final DaoRegistry daoRegistry;
    private final MatchUrlService matchUrlService;
    private final IncludedReferences includedReferences;
    private final int maxResources;
    private final RecordSnapshot snapshot;

    public RepositoryReader(
            FhirContext fhirContext,
            DaoRegistry daoRegistry,
            MatchUrlService matchUrlService,
            ISearchParamExtractor searchParamExtractor,
            int maxResources,
            RecordSnapshot snapshot) {
        this.fhirContext = fhirContext;
        this.daoRegistry = daoRegistry;
        this.matchUrlService = matchUrlService;
        this.includedReferences = new IncludedReferences(fhirContext, daoRegistry, searchParamExtractor);
        this.maxResources = maxResources;
        this.snapshot = snapshot;
    }

    /**
     * Runs several rendered queries (key to query) for one patient in one read-only transaction: HAPI's DAOs join
     * it, so the queries see the record as of one moment ({@link RecordSnapshot}), there is one commit instead of one
     * per query, and Hibernate skips the dirty check of every loaded row at commit, which otherwise costs about a
     * third of a search.
     *
     * <p>The patient must be on this server (a 412 naming the keys otherwise): a search for a patient it does not
     * hold finds nothing, and nothing is not the patient's record.
     */
    public Map<String, IBaseResource> fetchAll(String patientId, Map<String, String> queries) {
        return snapshot.read(() -> {
            String patientRead = "Patient/" + patientId;
            IBaseResource patient = readPatient(patientRead, queries.keySet());
            Map<String, IBaseResource> results = new LinkedHashMap<>();
            queries.forEach((key, query) ->
                    results.put(key, query.equals(patientRead) ? patient : fetch(key, query)));
            return results;
        });
    }

    /** Runs queries for resources of no patient (the Medication a draft order names) in one read-only transaction. */
    public Map<String, IBaseResource> fetchShared(Map<String, String> queries) {
        return snapshot.read(() -> {
            Map<String, IBaseResource> results = new LinkedHashMap<>();
            queries.forEach((key, query) -> results.put(key, fetch(key, query)));
            return results;
        });
    }

    private IBaseResource readPatient(String patientRead, Set<String> keys) {
        try {
            return daoRegistry.getResourceDao("Patient").read(new IdType(patientRead), new SystemRequestDetails());
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            throw CdsHooksException.preconditionFailed(PrefetchTemplate.notSent(keys) + ", and "
                    + patientRead + " is not on this server to read it from, so there is nothing to decide on: send "
                    + "the missing keys, or a fhirServer that holds the patient.");
        }
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
            // Without the processIncludes flag the translation drops _include and _revinclude; the includes that
            // IncludedReferences does not take over are loaded by search() only, not by searchForResources().
            SearchParameterMap map =
                    matchUrlService.translateMatchUrl(query, definition, MatchUrlService.processIncludes());
            Set<Include> includes = includedReferences.takeOver(map);
            map.setLoadSynchronousUpTo(maxResources + 1);
            List<IBaseResource> found = dao.search(map, request).getAllResources();
            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
            List<IBaseResource> matched = new ArrayList<>();
            for (IBaseResource resource : found) {
                boolean included =
                        ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.get(resource) == BundleEntrySearchModeEnum.INCLUDE;
                if (!included) {
                    matched.add(resource);
                }
                addEntry(bundle, resource, included);
            }
            if (matched.size() > maxResources) {
                throw CdsHooksException.preconditionFailed("prefetch " + key + ": '" + query + "' matches more than "
                        + maxResources + " resources (resistance.cds.prefetch.max-resources); the record would be "
                        + "incomplete.");
            }
            if (!includes.isEmpty()) {
                includedReferences.read(matched, includes, request)
                        .forEach(resource -> addEntry(bundle, resource, true));
            }
            bundle.setTotal(matched.size());
            return bundle;
        } catch (InvalidRequestException e) {
            throw CdsHooksException.preconditionFailed(
                    "prefetch " + key + ": this server cannot run '" + query + "': " + e.getMessage());
        }
    }

    private static void addEntry(Bundle bundle, IBaseResource resource, boolean included) {
        bundle.addEntry().setResource((Resource) resource).getSearch()
                .setMode(included ? Bundle.SearchEntryMode.INCLUDE : Bundle.SearchEntryMode.MATCH);
    }
}
