package org.resistancecds.knowledge.terminology;

import java.util.Arrays;

/** Confidence in an inferred mechanism, as coded in the mechanism-confidence CodeSystem; ordered weakest first. */
public enum Confidence {
    POSSIBLE("possible", "Possible"),
    PROBABLE("probable", "Probable"),
    CONFIRMED("confirmed", "Confirmed");

    private final String code;
    private final String display;

    Confidence(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    /** One step lower, never below {@link #POSSIBLE}: used for preliminary data. */
    public Confidence downgraded() {
        return this == POSSIBLE ? POSSIBLE : values()[ordinal() - 1];
    }

    public Confidence atMost(Confidence ceiling) {
        return compareTo(ceiling) <= 0 ? this : ceiling;
    }

    public static Confidence fromCode(String code) {
        return Arrays.stream(values())
                .filter(c -> c.code.equals(code))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown mechanism confidence: " + code));
    }
}
