package org.resistancecds.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import java.util.ArrayList;
import org.apache.commons.lang3.StringUtils;
import org.resistancecds.search.SearchValues;

/**
 * Gives a bare id in a reference parameter that can point to one resource type only its type, as in
 * {@code Observation?patient=123} to {@code patient=Patient/123}, in every search the storage layer runs (REST, CDS
 * prefetch from the repository, operations): the same search, but HAPI keys its id cache by type and id, so a bare
 * id was looked up in the database on every search (about 7 % of a fetched hook call's CPU). Registered with the
 * storage layer's interceptors.
 */
@Interceptor
public final class SingleTargetReferences {

    private final FhirContext fhirContext;

    public SingleTargetReferences(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    /** Before HAPI stores and runs a search: its map may still be changed here. */
    @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
    public void qualifyBareIds(ICachedSearchDetails search, SearchParameterMap map) {
        String type = search.getResourceType();
        if (type != null) {
            qualify(map, fhirContext.getResourceDefinition(type));
        }
    }

    static void qualify(SearchParameterMap map, RuntimeResourceDefinition searched) {
        for (String name : new ArrayList<>(map.keySet())) {
            RuntimeSearchParam param = searched.getSearchParam(name);
            if (param == null
                    || param.getParamType() != RestSearchParameterTypeEnum.REFERENCE
                    || param.getTargets().size() != 1) {
                continue;
            }
            String target = param.getTargets().iterator().next();
            SearchValues.replace(map, name, value -> qualified(value, target));
        }
    }

    private static IQueryParameterType qualified(IQueryParameterType value, String target) {
        if (value instanceof ReferenceParam reference
                && StringUtils.isEmpty(reference.getQueryParameterQualifier())
                && StringUtils.isAllBlank(reference.getResourceType(), reference.getBaseUrl(), reference.getChain())
                && reference.getMissing() == null
                && StringUtils.isNotBlank(reference.getIdPart())) {
            return new ReferenceParam(target, null, reference.getIdPart());
        }
        return value;
    }
}
