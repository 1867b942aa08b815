package org.resistancecds.cds;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What discovery says about one service.
 *
 * @param id the service id, the last segment of its URL
 * @param hook the hook it answers
 * @param title short human-readable name
 * @param description what it does, for the EHR's administrators
 * @param prefetch prefetch templates by key, in the order they are listed
 * @param usageRequirements what a client must provide for the service to answer, or {@code null} for nothing to say
 */
public record CdsServiceDefinition(
        String id,
        String hook,
        String title,
        String description,
        Map<String, String> prefetch,
        String usageRequirements) {

    public CdsServiceDefinition {
        prefetch = Collections.unmodifiableMap(new LinkedHashMap<>(prefetch));
    }
}
