package org.resistancecds.knowledge.terminology;

import java.util.Optional;

/**
 * The effect of a genomic change on its gene's function, named by Sequence Ontology terms where one exists.
 * {@link #UNKNOWN} covers missense and other changes whose effect the data do not show.
 */
public enum FunctionalEffect {
    LOSS_OF_FUNCTION("SO:0002054", "loss of function"),
    GAIN_OF_FUNCTION("SO:0002053", "gain of function (activating)"),
    UNKNOWN(null, "unknown effect"),
    NONE(null, "no effect on the protein");

    private final String soCode;
    private final String label;

    FunctionalEffect(String soCode, String label) {
        this.soCode = soCode;
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<FunctionalEffect> fromSequenceOntology(String code) {
        for (FunctionalEffect effect : values()) {
            if (effect.soCode != null && effect.soCode.equals(code)) {
                return Optional.of(effect);
            }
        }
        return Optional.empty();
    }
}
