package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledWarningTest {

    private final AtomicLong nanos = new AtomicLong();
    private final List<String> written = new ArrayList<>();
    private final ThrottledWarning warning = new ThrottledWarning(written::add, Duration.ofSeconds(10), nanos::get);

    @Test
    void theFirstIsWrittenThenOnePerIntervalCountingThoseLeftOut() {
        warning.warn("refused 1");
        nanos.addAndGet(Duration.ofSeconds(4).toNanos());
        warning.warn("refused 2");
        warning.warn("refused 3");
        nanos.addAndGet(Duration.ofSeconds(6).toNanos());
        warning.warn("refused 4");
        warning.warn("refused 5");
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        warning.warn("refused 6");

        assertThat(written).containsExactly(
                "refused 1",
                "refused 4 (and 2 more like it since the last such warning)",
                "refused 6 (and 1 more like it since the last such warning)");
    }
}
