package org.resistancecds.knowledge.timeline;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The assessment as it would have been made on a day when it differed from the day before.
 *
 * @param mechanisms mechanism code to confidence, strongest first
 * @param mechanismDisplays mechanism code to its display
 * @param reasons the status's reasons, then those of mechanisms that appeared or changed
 */
public record StatusChange(
        LocalDate date,
        String status,
        String statusDisplay,
        Map<String, String> mechanisms,
        Map<String, String> mechanismDisplays,
        List<String> reasons) {

    public StatusChange {
        mechanisms = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(mechanisms));
        mechanismDisplays = Map.copyOf(mechanismDisplays);
        reasons = List.copyOf(reasons);
    }
}
