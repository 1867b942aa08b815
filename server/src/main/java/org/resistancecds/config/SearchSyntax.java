package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.lang3.StringUtils;
import org.hl7.fhir.r4.model.DateTimeType;

/**
 * Search syntax HAPI would quietly ignore, so that a client never reads a wider result as the answer to its
 * narrower question: a modifier FHIR does not define ({@code name:foo=x} was searched as {@code name=x}; FHIR R4
 * says a server SHALL reject an unsupported modifier), and {@code _summary}, {@code _total} or {@code _count}
 * values FHIR does not define ({@code _count=-1} answered an empty page), a negative {@code _offset} (a 500), a
 * {@code :missing} value other than true or false (searched as false), and a {@code _since} that is no date
 * ({@code $everything} and {@code _history} ignored it and answered everything). A modifier FHIR defines but this
 * server does not index ({@code :of-type}) is 400 too, with what to search instead. So is a modifier FHIR defines
 * for another type of parameter than the one it is on: HAPI searched {@code family:not=Keep} as {@code family=Keep},
 * so a conditional delete with it deleted the very resource the client meant to keep. Checked on requests by
 * {@link SearchSyntaxFilter} and on the read entries of a Bundle by {@link TransactionEntryCheck}.
 */
public class SearchSyntax {

    /** Every search modifier FHIR R4 defines; a resource type is a modifier too ({@code subject:Patient}). */
    private static final Set<String> MODIFIERS = Set.of("missing", "exact", "contains", "text", "not", "above",
            "below", "in", "not-in", "of-type", "identifier", "iterate", "recurse");
    /** Modifiers FHIR defines that this server's index cannot answer (HAPI said 405, as if the method were wrong). */
    private static final Map<String, String> NOT_INDEXED = Map.of("of-type",
            "identifier types are not indexed; search identifier=system|value instead");
    private static final Set<String> SUMMARY = Set.of("true", "false", "text", "data", "count");
    private static final Set<String> TOTAL = Set.of("none", "estimate", "accurate");
    private static final Set<String> MISSING = Set.of("true", "false");

    /** Location's {@code near}, also at the end of a chain or {@code _has} (HAPI failed on a bad one with a 500). */
    private static final Pattern NEAR_NAME = Pattern.compile("(^|[.:])near$");
    private static final String NUMBER = "[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?";
    /** latitude|longitude[|distance[|units]]; HAPI takes an empty distance too. */
    private static final Pattern NEAR = Pattern.compile(
            NUMBER + "\\|" + NUMBER + "(\\|(?<distance>" + NUMBER + ")?(\\|(?<units>[^|]*))?)?");
    /** HAPI's largest distance, in km; above it HAPI failed with a 500 too. */
    private static final double MAX_NEAR_KM = 10_000;

    /**
     * Modifiers FHIR R4 allows on each type of parameter besides {@code :missing} (search.html, "Modifiers"); a
     * reference also takes a resource type. Date, number, quantity, composite and special parameters take none.
     */
    private static final Map<RestSearchParameterTypeEnum, Set<String>> MODIFIERS_BY_TYPE = Map.of(
            RestSearchParameterTypeEnum.STRING, Set.of("exact", "contains"),
            RestSearchParameterTypeEnum.TOKEN, Set.of("text", "not", "above", "below", "in", "not-in", "of-type"),
            RestSearchParameterTypeEnum.REFERENCE, Set.of("identifier", "above", "below"),
            RestSearchParameterTypeEnum.URI, Set.of("above", "below"));

    /** A resource type's own URL, or its {@code _search}, relative to the base: where parameters are its own. */
    private static final Pattern TYPE_PATH = Pattern.compile("([A-Z][A-Za-z]+)(/_search)?");

    /** The resource type a search at this path (relative to the FHIR base) is of, or null for any other path. */
    static String searchedType(String path) {
        Matcher type = TYPE_PATH.matcher(path);
        return type.matches() ? type.group(1) : null;
    }

    /** A resource type's search parameter by name, or null when it has none of that name. */
    @FunctionalInterface
    public interface Parameters {
        RuntimeSearchParam find(String resourceType, String name);
    }

    private final FhirContext fhirContext;
    private final Parameters parameters;

    public SearchSyntax(FhirContext fhirContext, Parameters parameters) {
        this.fhirContext = fhirContext;
        this.parameters = parameters;
    }

    /**
     * The first fault of a search's parameters (decoded names and values), or null when there is none. An empty
     * value is no fault: FHIR has the server ignore it ({@code search.EmptySearchParameters}). The resource type
     * searched, when known (null for a search of the whole server), has each modifier checked against its
     * parameter's type.
     */
    public String fault(String resourceType, Map<String, String[]> parameters) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String[] values = Arrays.stream(parameter.getValue()).filter(value -> !value.isBlank())
                    .toArray(String[]::new);
            if (values.length == 0) {
                continue;
            }
            String fault = fault(parameter.getKey(), values);
            if (fault == null && resourceType != null) {
                fault = modifierTypeFault(resourceType, parameter.getKey());
            }
            if (fault != null) {
                return fault;
            }
        }
        return null;
    }

    private String fault(String name, String[] values) {
        switch (name) {
            case "_summary" -> {
                return allIn(values, SUMMARY) ? null : "_summary must be one of " + SUMMARY + ".";
            }
            case "_total" -> {
                return allIn(values, TOTAL) ? null : "_total must be one of " + TOTAL + ".";
            }
            case "_count", "_offset" -> {
                for (String value : values) {
                    if (!value.matches("\\d{1,9}")) {
                        return name + " must be a whole number of 0 or more, but was '" + value + "'.";
                    }
                }
                return null;
            }
            case "_since" -> {
                for (String value : values) {
                    if (!isDateTime(value)) {
                        return "_since must be a FHIR instant such as 2026-01-01T00:00:00Z, but was '" + value + "'.";
                    }
                }
                return null;
            }
            default -> {
                if (name.endsWith(":missing") && !allIn(values, MISSING)) {
                    return name + " must be true or false.";
                }
                if (NEAR_NAME.matcher(name).find() && !allNear(values)) {
                    return name + " must be latitude|longitude, optionally |distance (0 to 10,000 km) and |units, "
                            + "such as 42.25|-83.69|10|km.";
                }
                return modifierFault(name);
            }
        }
    }

    private static boolean isDateTime(String value) {
        try {
            return new DateTimeType(value).getValue() != null;
        } catch (DataFormatException | IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code name:modifier}, {@code ref:Type.chain}; {@code _has}, {@code _include} and friends carry no modifier. */
    private String modifierFault(String name) {
        int colon = name.indexOf(':');
        if (colon < 0 || name.startsWith("_has") || name.startsWith("_include") || name.startsWith("_revinclude")) {
            return null;
        }
        String rest = name.substring(colon + 1);
        int end = StringUtils.indexOfAny(rest, '.', ':');
        String modifier = end < 0 ? rest : rest.substring(0, end);
        if (NOT_INDEXED.containsKey(modifier)) {
            return "The search modifier ':" + modifier + "' on '" + name.substring(0, colon) + "' is not supported by "
                    + "this server: " + NOT_INDEXED.get(modifier) + ".";
        }
        if (MODIFIERS.contains(modifier) || fhirContext.getResourceTypes().contains(modifier)) {
            return null;
        }
        return "Unknown search modifier ':" + modifier + "' on '" + name.substring(0, colon) + "'. FHIR defines "
                + MODIFIERS + " and resource types (subject:Patient); an unknown one is refused rather than ignored.";
    }

    /**
     * A modifier on a parameter of a type FHIR does not allow it for, along a chain too ({@code subject:Patient.
     * family:not}); a link whose parameter or target type is not known here is left to HAPI's own checks.
     */
    private String modifierTypeFault(String resourceType, String name) {
        if (name.startsWith("_has") || name.startsWith("_include") || name.startsWith("_revinclude")
                || !fhirContext.getResourceTypes().contains(resourceType)) {
            return null;
        }
        String type = resourceType;
        for (String link : name.split("\\.")) {
            if (type == null) {
                return null;
            }
            int colon = link.indexOf(':');
            String code = colon < 0 ? link : link.substring(0, colon);
            String modifier = colon < 0 ? null : link.substring(colon + 1);
            RuntimeSearchParam parameter = parameters.find(type, code);
            if (parameter == null) {
                return null;
            }
            if (modifier != null && !modifier.equals("missing") && !allows(parameter, modifier)) {
                return "The modifier ':" + modifier + "' does not apply to '" + code + "' of " + type + ", a "
                        + parameter.getParamType().getCode() + " parameter" + allowedOn(parameter) + ". It is refused "
                        + "rather than ignored, which would search for the value itself.";
            }
            boolean typed = modifier != null && fhirContext.getResourceTypes().contains(modifier);
            type = typed ? modifier
                    : parameter.getTargets().size() == 1 ? parameter.getTargets().iterator().next() : null;
        }
        return null;
    }

    private boolean allows(RuntimeSearchParam parameter, String modifier) {
        return allowedModifiers(parameter).contains(modifier)
                || parameter.getParamType() == RestSearchParameterTypeEnum.REFERENCE
                        && fhirContext.getResourceTypes().contains(modifier);
    }

    /** Besides :missing, and a reference's resource type. */
    private static Set<String> allowedModifiers(RuntimeSearchParam parameter) {
        // HAPI answered _id:not=x with nothing at all.
        return parameter.getName().equals("_id")
                ? Set.of() : MODIFIERS_BY_TYPE.getOrDefault(parameter.getParamType(), Set.of());
    }

    private static String allowedOn(RuntimeSearchParam parameter) {
        String list = allowedModifiers(parameter).stream().sorted().map(m -> ":" + m).reduce((a, b) -> a + ", " + b)
                .orElse("");
        return ", which takes " + (list.isEmpty() ? "only :missing" : ":missing, " + list)
                + (parameter.getParamType() == RestSearchParameterTypeEnum.REFERENCE ? " and a resource type" : "");
    }

    private static boolean allNear(String[] values) {
        for (String value : values) {
            for (String alternative : value.split(",", -1)) {
                Matcher near = NEAR.matcher(alternative);
                if (!near.matches()) {
                    return false;
                }
                String distance = near.group("distance");
                String units = near.group("units");
                if (distance != null && (Double.parseDouble(distance) < 0 || ((units == null || units.isEmpty()
                        || units.equals("km")) && Double.parseDouble(distance) > MAX_NEAR_KM))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean allIn(String[] values, Set<String> allowed) {
        for (String value : values) {
            if (!allowed.contains(value)) {
                return false;
            }
        }
        return true;
    }
}
