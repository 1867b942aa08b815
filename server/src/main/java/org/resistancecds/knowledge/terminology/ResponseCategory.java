package org.resistancecds.knowledge.terminology;

import java.util.Arrays;
import java.util.Optional;

/** RECIST 1.1 and iRECIST response categories (response-category CodeSystem) and what each means for resistance. */
public enum ResponseCategory {
    CR("CR", Kind.RESPONSE, 4),
    PR("PR", Kind.RESPONSE, 3),
    SD("SD", Kind.STABLE, 2),
    PD("PD", Kind.PROGRESSION, 0),
    NE("NE", Kind.NOT_EVALUABLE, -1),
    ICR("iCR", Kind.RESPONSE, 4),
    IPR("iPR", Kind.RESPONSE, 3),
    ISD("iSD", Kind.STABLE, 2),
    IUPD("iUPD", Kind.PROGRESSION, 0),
    ICPD("iCPD", Kind.CONFIRMED_PROGRESSION, 0);

    /** What a category says about disease control. */
    public enum Kind {
        RESPONSE,
        STABLE,
        /** Progression that needs a confirmatory assessment. */
        PROGRESSION,
        /** Progression already confirmed by the criteria themselves (iRECIST iCPD). */
        CONFIRMED_PROGRESSION,
        NOT_EVALUABLE
    }

    private final String code;
    private final Kind kind;
    private final int rank;

    ResponseCategory(String code, Kind kind, int rank) {
        this.code = code;
        this.kind = kind;
        this.rank = rank;
    }

    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    /** Higher is better disease control: CR above PR above SD. */
    public int rank() {
        return rank;
    }

    public boolean isProgression() {
        return kind == Kind.PROGRESSION || kind == Kind.CONFIRMED_PROGRESSION;
    }

    public static Optional<ResponseCategory> find(String code) {
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
    }

    public static ResponseCategory fromCode(String code) {
        return find(code).orElseThrow(() -> new IllegalArgumentException("Unknown response category: " + code));
    }
}
