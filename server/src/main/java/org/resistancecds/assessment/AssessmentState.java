package org.resistancecds.assessment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a change is judged on: the status code and each mechanism with its confidence. Two evaluations with the same
 * state are the same for the care team, whatever their dates or wording.
 *
 * @param status status code, or null when nothing is stored yet
 * @param mechanisms mechanism code to confidence code
 */
record AssessmentState(String status, Map<String, String> mechanisms) {

    static final AssessmentState NONE = new AssessmentState(null, Map.of());

    AssessmentState {
        mechanisms = Map.copyOf(mechanisms);
    }

    /** A short stable digest, for identifiers. */
    String fingerprint() {
        String canonical = "status=" + status + ";" + new TreeMap<>(mechanisms).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** For messages: {@code acquired-resistance; antigen-presentation-defect (probable)}. */
    String describe() {
        if (status == null) {
            return "no stored assessment";
        }
        String list = new TreeMap<>(mechanisms).entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        return status + "; mechanisms: " + (list.isEmpty() ? "none" : list);
    }
}
