package org.resistancecds.knowledge;

import java.util.List;

/**
 * One inferred resistance mechanism.
 *
 * @param code a code of the resistance-mechanism CodeSystem
 * @param display its display
 * @param confidence {@code confirmed}, {@code probable} or {@code possible}
 * @param reasons why, per finding (gene, change, method)
 * @param evidence references ({@code Type/id}) of the findings it rests on
 */
public record MechanismFinding(
        String code, String display, String confidence, List<String> reasons, List<String> evidence) {}
