package org.resistancecds.cds.prefetch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recognises a set of rendered prefetch queries that together read one patient's record: at most one read of
 * {@code Patient/<id>} and searches {@code <Type>?patient=<id>}, each of a different type, optionally with
 * {@code _include=<Type>:<param>} where the param can only point at types no search asks for. Such a set is
 * answered exactly by one search, {@code Patient?_id=<id>} with a {@code _revinclude} per search and an iterating
 * {@code _include} per include: the patient's id is resolved once and the rows are loaded in one batch instead of
 * once per query. Anything else (other parameters, other patients, encoded values) is not planned and runs query by
 * query.
 */
public record PatientCompartmentPlan(String patientId, String readKey, Map<String, Search> searches) {

    /** One search of the set: its resource type, the includes it names and the types they can point at. */
    public record Search(String type, List<String> includes, Set<String> targets) {}

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9\\-.:_/]+");
    private static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    public static Optional<PatientCompartmentPlan> of(Map<String, String> queries, FhirContext fhirContext) {
        String patientId = null;
        String readKey = null;
        Map<String, Search> searches = new LinkedHashMap<>();
        Set<String> searchTypes = new HashSet<>();
        Set<String> includeTargets = new HashSet<>();
        for (Map.Entry<String, String> query : queries.entrySet()) {
            String text = query.getValue();
            int question = text.indexOf('?');
            String id;
            if (question < 0) {
                if (!text.startsWith("Patient/") || readKey != null) {
                    return Optional.empty();
                }
                id = text.substring("Patient/".length());
                readKey = query.getKey();
            } else {
                String type = text.substring(0, question);
                RuntimeResourceDefinition definition = definition(fhirContext, type);
                if (definition == null || !isPatientReference(definition.getSearchParam("patient"))
                        || !searchTypes.add(type)) {
                    return Optional.empty();
                }
                id = null;
                List<String> includes = new ArrayList<>();
                Set<String> targets = new HashSet<>();
                for (String parameter : text.substring(question + 1).split("&")) {
                    int equals = parameter.indexOf('=');
                    String name = equals < 0 ? parameter : parameter.substring(0, equals);
                    String value = equals < 0 ? "" : parameter.substring(equals + 1);
                    if (!PLAIN.matcher(value).matches()) {
                        return Optional.empty();
                    }
                    if (name.equals("patient") && id == null) {
                        id = value.startsWith("Patient/") ? value.substring("Patient/".length()) : value;
                    } else if (name.equals("_include") && value.startsWith(type + ":")) {
                        RuntimeSearchParam param = definition.getSearchParam(value.substring(type.length() + 1));
                        if (param == null || param.getParamType() != RestSearchParameterTypeEnum.REFERENCE
                                || param.getTargets().isEmpty()) {
                            return Optional.empty();
                        }
                        targets.addAll(param.getTargets());
                        includes.add(value);
                    } else {
                        return Optional.empty();
                    }
                }
                if (id == null) {
                    return Optional.empty();
                }
                includeTargets.addAll(targets);
                searches.put(query.getKey(), new Search(type, List.copyOf(includes), Set.copyOf(targets)));
            }
            if (!LOGICAL_ID.matcher(id).matches() || (patientId != null && !patientId.equals(id))) {
                return Optional.empty();
            }
            patientId = id;
        }
        // An included resource of a type that is also searched could not be told apart from a match.
        boolean overlapping = includeTargets.stream().anyMatch(t -> searchTypes.contains(t) || t.equals("Patient"));
        if (patientId == null || searches.isEmpty() || overlapping) {
            return Optional.empty();
        }
        return Optional.of(new PatientCompartmentPlan(patientId, readKey, searches));
    }

    /** The keys answered: the read's first, then the searches' in the order given. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        if (readKey != null) {
            keys.add(readKey);
        }
        keys.addAll(searches.keySet());
        return keys;
    }

    /** The one search that answers the whole set. */
    public String combinedQuery() {
        StringBuilder query = new StringBuilder("Patient?_id=").append(patientId);
        searches.values().forEach(search -> query.append("&_revinclude=").append(search.type()).append(":patient"));
        searches.values().forEach(search ->
                search.includes().forEach(include -> query.append("&_include:iterate=").append(include)));
        return query.toString();
    }

    private static RuntimeResourceDefinition definition(FhirContext fhirContext, String type) {
        try {
            return fhirContext.getResourceDefinition(type);
        } catch (RuntimeException unknownType) {
            return null;
        }
    }

    private static boolean isPatientReference(RuntimeSearchParam param) {
        return param != null && param.getParamType() == RestSearchParameterTypeEnum.REFERENCE
                && (param.getTargets().isEmpty() || param.getTargets().contains("Patient"));
    }
}
