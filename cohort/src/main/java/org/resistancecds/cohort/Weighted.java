package org.resistancecds.cohort;

import java.util.List;
import java.util.Random;

/** A value with a relative frequency; {@link #pick} draws one in proportion to the weights. */
public record Weighted<T>(T value, int weight) {

    public Weighted {
        if (weight <= 0) {
            throw new IllegalArgumentException("weight must be positive: " + value);
        }
    }

    public static <T> T pick(List<Weighted<T>> choices, Random random) {
        int total = choices.stream().mapToInt(Weighted::weight).sum();
        int roll = random.nextInt(total);
        for (Weighted<T> choice : choices) {
            roll -= choice.weight();
            if (roll < 0) {
                return choice.value();
            }
        }
        throw new IllegalStateException("unreachable: weights sum to " + total);
    }
}
