package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;

/**
 * The store as a transaction's entries find it before it runs. A conditional URL HAPI will refuse anyway (an unknown
 * type, a bad query) matches nothing here.
 */
final class StoredBeforeTransaction implements TransactionEntryCheck.Storage {

    private final FhirContext fhirContext;
    private final MatchUrlService matchUrlService;
    private final DaoRegistry daoRegistry;

    StoredBeforeTransaction(FhirContext fhirContext, MatchUrlService matchUrlService, DaoRegistry daoRegistry) {
        this.fhirContext = fhirContext;
        this.matchUrlService = matchUrlService;
        this.daoRegistry = daoRegistry;
    }

    @Override
    public List<String> matches(String url, RequestDetails request) {
        String type = url.substring(0, url.indexOf('?'));
        if (!daoRegistry.isResourceTypeSupported(type)) {
            return List.of();
        }
        try {
            SearchParameterMap map = matchUrlService.translateMatchUrl(url, fhirContext.getResourceDefinition(type));
            map.setLoadSynchronous(true);
            List<IIdType> ids = daoRegistry.getResourceDao(type).searchForResourceIds(map, request);
            return ids.stream().map(id -> id.withResourceType(type).toUnqualifiedVersionless().getValue()).toList();
        } catch (RuntimeException unmatchable) {
            return List.of();
        }
    }

    @Override
    public void read(String url, RequestDetails request) {
        IdType id = new IdType(url);
        if (daoRegistry.isResourceTypeSupported(id.getResourceType())) {
            daoRegistry.getResourceDao(id.getResourceType()).read(id, request);
        }
    }
}
