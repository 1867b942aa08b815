package org.resistancecds.knowledge.serial;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One variant (same gene and change) lined up over the patient's samples, oldest first, with its dynamics.
 *
 * @param geneCode HGNC id, or null when only the symbol is known
 * @param change p.HGVS, else c.HGVS, else null for a gene-level result
 * @param reasons sentences with dates and allele frequencies that explain the dynamics
 */
public record VariantSeries(
        String geneCode,
        String geneSymbol,
        String change,
        String label,
        List<VariantPoint> points,
        Set<VariantDynamics> dynamics,
        List<String> reasons) {

    public VariantSeries {
        points = List.copyOf(points);
        // Enum order (emergent, pre-existing, ..., cleared) wherever the set is listed.
        dynamics = dynamics.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(dynamics));
        reasons = List.copyOf(reasons);
    }

    public boolean has(VariantDynamics dynamic) {
        return dynamics.contains(dynamic);
    }

    /** The latest sample that showed the variant. */
    public Optional<VariantPoint> latestDetected() {
        for (int i = points.size() - 1; i >= 0; i--) {
            if (points.get(i).detected()) {
                return Optional.of(points.get(i));
            }
        }
        return Optional.empty();
    }

    public boolean contains(String source) {
        return points.stream().anyMatch(p -> p.source().equals(source));
    }
}
