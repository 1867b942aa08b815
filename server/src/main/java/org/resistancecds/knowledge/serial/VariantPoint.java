package org.resistancecds.knowledge.serial;

import java.time.LocalDate;

/**
 * One result of a variant in one sample.
 *
 * @param detected the sample showed the variant
 * @param alleleFrequency percent, or null when not reported
 * @param sample {@code plasma}, {@code tissue}, or null
 * @param source reference of the Observation
 */
public record VariantPoint(LocalDate date, boolean detected, Double alleleFrequency, String sample, String source) {}
