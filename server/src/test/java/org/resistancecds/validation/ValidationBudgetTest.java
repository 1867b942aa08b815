package org.resistancecds.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValidationBudgetTest {

    @Test
    void sizedFromTheHeapUnlessConfigured() {
        assertThat(ValidationBudget.of(0, 1024L * 1024 * 1024).maxElements()).isEqualTo(131_072);
        assertThat(ValidationBudget.of(0, 512L * 1024 * 1024).maxElements()).isEqualTo(26_214);
        assertThat(ValidationBudget.of(0, 256L * 1024 * 1024).maxElements()).isEqualTo(10_000);
        assertThat(ValidationBudget.of(5_000, 1024L * 1024 * 1024).maxElements()).isEqualTo(5_000);
    }

    @Test
    void refusesAResourceOverTheLimitAndSaysHowToProceed() {
        ValidationBudget budget = new ValidationBudget(1_000, Duration.ofMillis(50));

        assertThat(budget.refusal(1_000)).isEmpty();
        assertThat(budget.refusal(1_001)).hasValueSatisfying(message -> assertThat(message)
                .contains("1001 elements", "up to 1000", "resistance.validation.max-elements", "larger heap"));
    }

    @Test
    void validationsInFlightTogetherHoldAtMostOneAndAHalfTimesTheLimit() {
        ValidationBudget budget = new ValidationBudget(1_000, Duration.ofMillis(50));

        try (ValidationBudget.Permit first = budget.acquire(1_000)) {
            try (ValidationBudget.Permit small = budget.acquire(500)) {
                assertThatThrownBy(() -> budget.acquire(1))
                        .isInstanceOfSatisfying(BaseServerResponseException.class, busy -> {
                            assertThat(busy.getStatusCode()).isEqualTo(503);
                            assertThat(busy.getResponseHeaders()).containsKey("Retry-After");
                            assertThat(busy.getMessage()).contains("nothing was stored");
                        });
            }
            // The small one's share is back.
            budget.acquire(500).close();
        }
        budget.acquire(1_000).close();
    }
}
