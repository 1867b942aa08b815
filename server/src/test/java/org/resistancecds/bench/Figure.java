package org.resistancecds.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One measured figure: its group (the six), a name, a unit and the samples (one per repeat, or one per call
 * for latencies), summarised as min / median / max.
 */
record Figure(String group, String name, String unit, List<Double> samples, String note) {

    double min() {
        return sorted().get(0);
    }

    double median() {
        List<Double> sorted = sorted();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double max() {
        return sorted().get(sorted().size() - 1);
    }

    private List<Double> sorted() {
        if (samples.isEmpty()) {
            throw new IllegalStateException("figure without samples: " + name);
        }
        List<Double> copy = new ArrayList<>(samples);
        Collections.sort(copy);
        return copy;
    }
}
