package org.resistancecds.knowledge.serial;

import java.util.Arrays;
import java.util.Optional;

/** How a variant behaves over serial samples, as coded in the variant-dynamics CodeSystem. */
public enum VariantDynamics {
    /** Not detected on or before the first anti-PD-(L)1 dose, detected later. */
    EMERGENT("emergent", "Emergent under therapy"),
    /** Detected on or before the first anti-PD-(L)1 dose. */
    PRE_EXISTING("pre-existing", "Pre-existing before therapy"),
    /** Detected only after the first dose, with no earlier sample to compare. */
    NO_BASELINE("no-baseline", "No baseline sample"),
    /** Allele frequency rose by at least the rise factor between the first and the latest detection. */
    RISING("rising", "Rising allele frequency"),
    /** Allele frequency fell to at most the fall factor of the first detection. */
    FALLING("falling", "Falling allele frequency"),
    /** Detected earlier, not detected in the latest sample. */
    CLEARED("cleared", "Cleared");

    private final String code;
    private final String display;

    VariantDynamics(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    public static Optional<VariantDynamics> find(String code) {
        return Arrays.stream(values()).filter(d -> d.code.equals(code)).findFirst();
    }
}
