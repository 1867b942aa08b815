package org.resistancecds.knowledge.serial;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.resistancecds.knowledge.record.GenomicVariant;
import org.resistancecds.knowledge.record.IciExposure;
import org.resistancecds.knowledge.record.PatientRecord;

/**
 * Lines up a patient's variant results (tissue and plasma) per variant, same gene and change, over time and
 * classifies each: emergent or pre-existing relative to the first anti-PD-(L)1 dose, rising, falling or cleared
 * by allele frequency.
 *
 * <p>Absence is taken only from what a report says: a variant Observation reported not present (LA9634-2), or
 * present with an allele frequency of 0. A result for the gene without a change (a gene-level negative) counts as
 * absence of every change of that gene. A variant that merely is not listed in a report is not read as absent,
 * because the report may not have covered the gene.
 */
public final class SerialVariantAnalyzer {

    private final SerialCriteria criteria;

    public SerialVariantAnalyzer(SerialCriteria criteria) {
        this.criteria = criteria;
    }

    public SerialAnalysis analyze(PatientRecord record) {
        LocalDate anchor = record.pd1AxisExposures().stream()
                .map(IciExposure::start)
                .min(Comparator.naturalOrder())
                .orElse(null);
        Map<String, List<GenomicVariant>> byVariant = new LinkedHashMap<>();
        for (GenomicVariant variant : record.variants()) {
            if (variant.date() != null && change(variant) != null) {
                byVariant.computeIfAbsent(key(variant), k -> new ArrayList<>()).add(variant);
            }
        }
        List<VariantSeries> series = new ArrayList<>();
        for (List<GenomicVariant> results : byVariant.values()) {
            List<GenomicVariant> all = new ArrayList<>(results);
            for (GenomicVariant absent : record.absentVariants()) {
                if (absent.date() != null && sameGene(absent, results.get(0))
                        && (change(absent) == null || key(absent).equals(key(results.get(0))))) {
                    all.add(absent);
                }
            }
            series.add(classify(results.get(0), points(all), anchor));
        }
        series.sort(Comparator.comparing(VariantSeries::label));
        return new SerialAnalysis(anchor, series);
    }

    /** One point per day: a detection that day wins over a negative one, the highest frequency over lower ones. */
    private static List<VariantPoint> points(List<GenomicVariant> results) {
        Map<LocalDate, VariantPoint> byDay = new TreeMap<>();
        for (GenomicVariant result : results) {
            VariantPoint point = new VariantPoint(result.date(), result.detected(), result.alleleFrequency(),
                    result.sample(), result.source());
            byDay.merge(result.date(), point, SerialVariantAnalyzer::stronger);
        }
        return List.copyOf(byDay.values());
    }

    private static VariantPoint stronger(VariantPoint a, VariantPoint b) {
        if (a.detected() != b.detected()) {
            return a.detected() ? a : b;
        }
        double fa = a.alleleFrequency() == null ? -1 : a.alleleFrequency();
        double fb = b.alleleFrequency() == null ? -1 : b.alleleFrequency();
        return fb > fa ? b : a;
    }

    private VariantSeries classify(GenomicVariant variant, List<VariantPoint> points, LocalDate anchor) {
        Set<VariantDynamics> dynamics = EnumSet.noneOf(VariantDynamics.class);
        List<String> reasons = new ArrayList<>();
        String label = variant.label();
        if (anchor != null) {
            List<VariantPoint> baseline = points.stream().filter(p -> !p.date().isAfter(anchor)).toList();
            List<VariantPoint> later = points.stream().filter(p -> p.date().isAfter(anchor) && p.detected()).toList();
            VariantPoint baselineHit = baseline.stream().filter(VariantPoint::detected).reduce((a, b) -> b).orElse(null);
            if (baselineHit != null) {
                dynamics.add(VariantDynamics.PRE_EXISTING);
                reasons.add(label + ": detected " + describe(baselineHit) + ", on or before the first anti-PD-(L)1 dose ("
                        + anchor + "): pre-existing.");
            } else if (!baseline.isEmpty() && !later.isEmpty()) {
                dynamics.add(VariantDynamics.EMERGENT);
                VariantPoint lastNegative = baseline.get(baseline.size() - 1);
                reasons.add(label + ": not detected " + where(lastNegative) + " on " + lastNegative.date()
                        + " (first anti-PD-(L)1 dose " + anchor + "), detected " + describe(later.get(0))
                        + ": emergent under therapy.");
            } else if (!later.isEmpty()) {
                dynamics.add(VariantDynamics.NO_BASELINE);
                reasons.add(label + ": first detected " + describe(later.get(0))
                        + " with no sample on or before the first anti-PD-(L)1 dose (" + anchor
                        + "): emergent or pre-existing cannot be told.");
            }
        }
        trajectory(label, points, dynamics, reasons);
        return new VariantSeries(variant.geneCode(), variant.geneSymbol(), change(variant), label, points, dynamics, reasons);
    }

    private void trajectory(String label, List<VariantPoint> points, Set<VariantDynamics> dynamics, List<String> reasons) {
        VariantPoint last = points.get(points.size() - 1);
        VariantPoint lastHit = points.stream().filter(VariantPoint::detected).reduce((a, b) -> b).orElse(null);
        if (lastHit == null) {
            return;
        }
        if (!last.detected()) {
            dynamics.add(VariantDynamics.CLEARED);
            reasons.add(label + ": last detected " + describe(lastHit) + ", not detected " + where(last) + " on "
                    + last.date() + ": cleared.");
            return;
        }
        List<VariantPoint> measured = points.stream()
                .filter(p -> p.detected() && p.alleleFrequency() != null)
                .toList();
        if (measured.size() < 2) {
            return;
        }
        VariantPoint first = measured.get(0);
        VariantPoint latest = measured.get(measured.size() - 1);
        double ratio = latest.alleleFrequency() / first.alleleFrequency();
        if (ratio >= criteria.riseFactor()) {
            dynamics.add(VariantDynamics.RISING);
            reasons.add(label + ": allele frequency " + percent(first) + " on " + first.date() + " to " + percent(latest)
                    + " on " + latest.date() + " (at least " + criteria.riseFactor() + " times): rising.");
        } else if (ratio <= criteria.fallFactor()) {
            dynamics.add(VariantDynamics.FALLING);
            reasons.add(label + ": allele frequency " + percent(first) + " on " + first.date() + " to " + percent(latest)
                    + " on " + latest.date() + " (at most " + criteria.fallFactor() + " times): falling.");
        }
    }

    private static String describe(VariantPoint point) {
        return where(point) + " on " + point.date()
                + (point.alleleFrequency() != null ? " (VAF " + percent(point) + ")" : "");
    }

    private static String where(VariantPoint point) {
        return point.sample() == null ? "in the sample" : "in " + point.sample();
    }

    private static String percent(VariantPoint point) {
        double value = point.alleleFrequency();
        return (value % 1 == 0 ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.2f", value)
                .replaceAll("0+$", "")) + " %";
    }

    /** p.HGVS, else c.HGVS, else a copy-number label; null for a gene-level result. */
    static String change(GenomicVariant variant) {
        if (variant.proteinChange() != null) {
            return variant.proteinChange();
        }
        if (variant.dnaChange() != null) {
            // The reference sequence may be written or not: compare the change itself.
            String dna = variant.dnaChange();
            return dna.contains(":") ? dna.substring(dna.indexOf(':') + 1) : dna;
        }
        return variant.copyNumber() != null ? "copy number" : null;
    }

    private static String gene(GenomicVariant variant) {
        return variant.geneCode() != null ? variant.geneCode() : variant.geneSymbol();
    }

    private static boolean sameGene(GenomicVariant a, GenomicVariant b) {
        return (a.geneCode() != null && a.geneCode().equals(b.geneCode()))
                || (a.geneSymbol() != null && a.geneSymbol().equalsIgnoreCase(b.geneSymbol()));
    }

    private static String key(GenomicVariant variant) {
        return gene(variant) + "|" + change(variant);
    }
}
