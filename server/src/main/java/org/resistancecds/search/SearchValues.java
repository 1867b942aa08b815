package org.resistancecds.search;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The values of a search's parameters as HAPI's map holds them: per name, and-ed lists of or-ed values. */
public final class SearchValues {

    private SearchValues() {}

    /** Every value of every parameter. */
    public static Stream<IQueryParameterType> all(SearchParameterMap map) {
        return map.values().stream().flatMap(List::stream).flatMap(List::stream);
    }

    /** Replaces each value of the named parameter by what {@code change} makes of it. */
    public static void replace(SearchParameterMap map, String name, UnaryOperator<IQueryParameterType> change) {
        List<List<IQueryParameterType>> changed = new ArrayList<>();
        for (List<IQueryParameterType> anyOf : map.get(name)) {
            // Mutable, like the lists HAPI's own translation builds.
            changed.add(anyOf.stream().map(change).collect(Collectors.toCollection(ArrayList::new)));
        }
        map.put(name, changed);
    }
}
