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
 * {@code _include=<Type>:<param>} for reference params with known target types. Such a set is answered by one
 * search, {@code Patient?_id=<id>} with a {@code _revinclude} per search: the patient's id is resolved once and the
 * rows are loaded in one batch instead of once per query. The includes are then followed from the few resources
 * that name them (see {@link RepositoryReader}), not from the whole record as {@code _include:iterate} would.
 * Anything else (other parameters, other patients, encoded values) is not planned and runs query by query.
 */
public record PatientCompartmentPlan(String patientId, String readKey, Map<String, Search> searches) {

    /** One search of the set: its resource type and the includes it names. */
    public record Search(String type, List<Include> includes) {}

    /** An include: the FHIRPath of its search parameter and the resource types it can point at. */
    public record Include(String path, Set<String> targets) {}

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9\\-.:_/]+");
    private static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    public static Optional<PatientCompartmentPlan> of(Map<String, String> queries, FhirContext fhirContext) {
        String patientId = null;
        String readKey = null;
        Map<String, Search> searches = new LinkedHashMap<>();
        Set<String> searchTypes = new HashSet<>();
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
                List<Include> includes = new ArrayList<>();
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
                        includes.add(new Include(param.getPath(), Set.copyOf(param.getTargets())));
                    } else {
                        return Optional.empty();
                    }
                }
                if (id == null) {
                    return Optional.empty();
                }
                searches.put(query.getKey(), new Search(type, List.copyOf(includes)));
            }
            if (!LOGICAL_ID.matcher(id).matches() || (patientId != null && !patientId.equals(id))) {
                return Optional.empty();
            }
            patientId = id;
        }
        if (patientId == null || searches.isEmpty()) {
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
