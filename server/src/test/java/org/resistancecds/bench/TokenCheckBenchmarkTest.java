package org.resistancecds.bench;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** The token benchmark at a tiny size, so that it cannot rot: each check throws if a token is refused. */
class TokenCheckBenchmarkTest {

    @Test
    void checksEveryTokenItSigns() {
        assertThatCode(() -> TokenCheckBenchmark.main(new String[] {"3", "1"})).doesNotThrowAnyException();
    }
}
