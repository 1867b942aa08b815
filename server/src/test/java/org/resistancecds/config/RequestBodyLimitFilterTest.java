package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestBodyLimitFilterTest {

    private static final long MB = 1L << 20;

    @Test
    void unsetTheLimitIsASixteenthOfTheHeapAboveWhatAnIdleServerHolds() {
        assertThat(RequestBodyLimitFilter.limit(0, 512 * MB)).isEqualTo(8 * MB);
        assertThat(RequestBodyLimitFilter.limit(0, 1024 * MB)).isEqualTo(40 * MB);
    }

    @Test
    void theDerivedLimitStaysBetweenOneAndSixtyFourMegabytes() {
        assertThat(RequestBodyLimitFilter.limit(0, 256 * MB)).isEqualTo(MB);
        assertThat(RequestBodyLimitFilter.limit(0, 400 * MB)).isEqualTo(MB);
        assertThat(RequestBodyLimitFilter.limit(0, 8192 * MB)).isEqualTo(64 * MB);
    }

    @Test
    void aConfiguredLimitIsTakenAsItIs() {
        assertThat(RequestBodyLimitFilter.limit(200 * MB, 512 * MB)).isEqualTo(200 * MB);
        assertThat(RequestBodyLimitFilter.limit(1000, 8192 * MB)).isEqualTo(1000);
    }
}
