package org.resistancecds.cohort;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a load: counts, wall time, each failed Bundle with the server's reason, and the server id of every
 * Patient (by the Bundle's fullUrl), so callers can evaluate the patients they loaded.
 */
public record LoadSummary(
        int bundles,
        int requests,
        long resources,
        double seconds,
        List<Failure> failures,
        Map<String, String> patientIds) {

    public record Failure(String bundle, int status, String reason) {}

    public double resourcesPerSecond() {
        return seconds == 0 ? 0 : resources / seconds;
    }

    public String describe() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "Loaded %,d resources from %,d of %,d bundles in %,d transactions, %.1f s: %.0f resources/s; %d failed",
                resources, bundles - failures.size(), bundles, requests, seconds, resourcesPerSecond(),
                failures.size()));
        for (Failure failure : failures.subList(0, Math.min(20, failures.size()))) {
            String status = failure.status() == 0 ? "no answer:" : "HTTP " + failure.status();
            text.append(String.format(Locale.ROOT, "%n  %s: %s %s", failure.bundle(), status, failure.reason()));
        }
        if (failures.size() > 20) {
            text.append(String.format(Locale.ROOT, "%n  ... and %d more", failures.size() - 20));
        }
        return text.toString();
    }
}
