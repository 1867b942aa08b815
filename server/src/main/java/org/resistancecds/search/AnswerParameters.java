package org.resistancecds.search;

import ca.uhn.fhir.rest.api.Constants;
import java.util.Set;

/** The {@code _} parameters that shape a search's answer (paging, order, includes, summary, format), not its matches. */
final class AnswerParameters {

    static final Set<String> NAMES = Set.of(Constants.PARAM_SORT, Constants.PARAM_COUNT, Constants.PARAM_OFFSET,
            Constants.PARAM_INCLUDE, Constants.PARAM_REVINCLUDE, Constants.PARAM_SUMMARY,
            Constants.PARAM_SEARCH_TOTAL_MODE, Constants.PARAM_ELEMENTS, Constants.PARAM_FORMAT,
            Constants.PARAM_PRETTY);

    private AnswerParameters() {}
}
