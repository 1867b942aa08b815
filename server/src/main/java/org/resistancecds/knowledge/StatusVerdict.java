package org.resistancecds.knowledge;

import java.util.List;

/**
 * An acquired-resistance status from our status CodeSystem.
 *
 * @param code e.g. {@code acquired-resistance}, {@code primary-resistance}, {@code not-exposed}
 * @param display human-readable name of the code
 * @param reasons sentences a clinician can check, in order
 * @param evidence references ({@code Type/id}) of the resources the verdict rests on
 */
public record StatusVerdict(String code, String display, List<String> reasons, List<String> evidence) {}
