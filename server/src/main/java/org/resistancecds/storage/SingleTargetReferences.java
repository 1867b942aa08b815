package org.resistancecds.storage;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry.SearchParamLookupContextEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.lang3.StringUtils;

/**
 * Before every search of the store (REST searches, conditional URLs, the CDS prefetch reads), gives a bare id in a
 * reference parameter that can point to one resource type only its type, as in {@code Observation?patient=123} to
 * {@code patient=Patient/123}: the same search, but HAPI keys its id cache by type and id, so a bare id was looked up
 * in the database on every search (about 7 % of a fetched CDS hook call's CPU).
 */
public final class SingleTargetReferences {

    private final ISearchParamRegistry searchParams;

    public SingleTargetReferences(ISearchParamRegistry searchParams) {
        this.searchParams = searchParams;
    }

    @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
    public void beforeSearch(ICachedSearchDetails search, SearchParameterMap map) {
        String type = search.getResourceType();
        if (type != null) {
            qualify(map, name -> searchParams.getActiveSearchParam(type, name, SearchParamLookupContextEnum.SEARCH));
        }
    }

    /** Rewrites {@code map}'s bare ids; {@code searchParams} gives the searched type's parameter of a name, or null. */
    static void qualify(SearchParameterMap map, Function<String, RuntimeSearchParam> searchParams) {
        for (String name : new ArrayList<>(map.keySet())) {
            RuntimeSearchParam param = searchParams.apply(name);
            if (param == null
                    || param.getParamType() != RestSearchParameterTypeEnum.REFERENCE
                    || param.getTargets().size() != 1) {
                continue;
            }
            String target = param.getTargets().iterator().next();
            List<List<IQueryParameterType>> qualified = new ArrayList<>();
            for (List<IQueryParameterType> anyOf : map.get(name)) {
                // Mutable, like the lists HAPI's own translation builds.
                qualified.add(anyOf.stream().map(value -> qualified(value, target))
                        .collect(Collectors.toCollection(ArrayList::new)));
            }
            map.put(name, qualified);
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
