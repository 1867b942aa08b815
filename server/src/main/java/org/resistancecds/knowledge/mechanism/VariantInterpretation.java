package org.resistancecds.knowledge.mechanism;

import org.resistancecds.knowledge.terminology.FunctionalEffect;

/**
 * What the data show about a variant's effect.
 *
 * @param basis the evidence, in words, e.g. "truncating change p.Gln37Ter"
 */
public record VariantInterpretation(FunctionalEffect effect, String basis) {}
