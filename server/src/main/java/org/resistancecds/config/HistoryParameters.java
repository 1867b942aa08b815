package org.resistancecds.config;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The parameters a history takes. HAPI ignored any other, so {@code _history?_type=Patient} answered every type's
 * history as if it were Patient's, and a misspelt {@code _since} gave the whole history; a search answers an unknown
 * parameter with 400, and so does a history now.
 */
final class HistoryParameters {

    /** The server's, the system's, a type's and one resource's history; not a version read. */
    private static final Pattern HISTORY_PATH = Pattern.compile("^(?:[A-Z][A-Za-z]+/(?:[^/]+/)?)?_history/?$");
    /** FHIR's history parameters HAPI implements, and the ones every read takes. */
    private static final Set<String> TAKEN =
            Set.of("_count", "_since", "_at", "_offset", "_format", "_pretty", "_summary", "_elements");

    private HistoryParameters() {}

    /** Why a request with these parameter names (modifiers allowed) cannot run; null if it can or is no history. */
    static String fault(String path, Collection<String> names) {
        if (!HISTORY_PATH.matcher(path).matches()) {
            return null;
        }
        List<String> unknown = names.stream().filter(name -> !TAKEN.contains(name.split(":", 2)[0])).sorted()
                .toList();
        if (unknown.isEmpty()) {
            return null;
        }
        String hint = unknown.contains("_type") ? " To see one type's history, ask Patient/_history (any type)." : "";
        return "A history takes " + TAKEN.stream().sorted().collect(Collectors.joining(", ")) + "; not "
                + String.join(", ", unknown) + "." + hint;
    }
}
