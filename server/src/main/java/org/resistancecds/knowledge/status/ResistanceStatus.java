package org.resistancecds.knowledge.status;

/** Codes of the acquired-resistance-status CodeSystem that the classifier emits. */
public enum ResistanceStatus {
    ACQUIRED_RESISTANCE("acquired-resistance", "Acquired resistance"),
    ACQUIRED_RESISTANCE_SUSPECTED("acquired-resistance-suspected", "Acquired resistance suspected (unconfirmed progression)"),
    PRIMARY_RESISTANCE("primary-resistance", "Primary resistance"),
    PROGRESSION_AFTER_DISCONTINUATION("progression-after-discontinuation", "Progression after treatment discontinuation"),
    RESPONDING("responding", "Responding"),
    NOT_EXPOSED("not-exposed", "Not exposed to PD-1/PD-L1 blockade"),
    INDETERMINATE("indeterminate", "Indeterminate");

    private final String code;
    private final String display;

    ResistanceStatus(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }
}
