package org.resistancecds.knowledge.serial;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The serial variant analysis of one record.
 *
 * @param anchor the first anti-PD-(L)1 dose (null without exposure: then nothing is emergent or pre-existing)
 * @param series every variant with at least one detection, ordered by gene and change
 */
public record SerialAnalysis(LocalDate anchor, List<VariantSeries> series) {

    public SerialAnalysis {
        series = List.copyOf(series);
    }

    /** The series a variant Observation belongs to. */
    public Optional<VariantSeries> seriesOf(String source) {
        return series.stream().filter(s -> s.contains(source)).findFirst();
    }

    public List<VariantSeries> with(VariantDynamics dynamic) {
        return series.stream().filter(s -> s.has(dynamic)).toList();
    }
}
