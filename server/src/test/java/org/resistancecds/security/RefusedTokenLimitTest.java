package org.resistancecds.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.resistancecds.MovableClock;
import org.resistancecds.config.HttpLimitsProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RefusedTokenLimitTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-08T10:00:00Z"));

    @Test
    void anAddressIsHeldBackOnceItsRefusalsReachTheLimitUntilTheWindowEnds() {
        FailedTokenThrottle throttle = new FailedTokenThrottle(3, Duration.ofSeconds(60), clock);
        throttle.refused("10.0.0.1", "expired");
        throttle.refused("10.0.0.1", "expired");
        assertThat(throttle.holding("10.0.0.1")).isNull();

        clock.move(Duration.ofSeconds(20));
        throttle.refused("10.0.0.1", "bad signature");
        FailedTokenThrottle.Refusals holding = throttle.holding("10.0.0.1");
        assertThat(holding).isNotNull();
        assertThat(holding.count()).isEqualTo(3);
        assertThat(holding.secondsLeft()).isEqualTo(40);
        assertThat(holding.lastReason()).isEqualTo("bad signature");
        assertThat(throttle.holding("10.0.0.2")).as("another address").isNull();

        clock.move(Duration.ofSeconds(40));
        assertThat(throttle.holding("10.0.0.1")).as("the window has ended").isNull();
        throttle.refused("10.0.0.1", "expired");
        assertThat(throttle.holding("10.0.0.1")).as("a new window, one refusal in it").isNull();
    }

    @Test
    void noLimitHoldsNobodyBack() {
        FailedTokenThrottle off = new FailedTokenThrottle(0, Duration.ofSeconds(60), clock);
        for (int i = 0; i < 100; i++) {
            off.refused("10.0.0.1", "expired");
        }
        assertThat(off.holding("10.0.0.1")).isNull();
    }

    /**
     * Behind the filter, a stand-in for the token checks: "bad" is refused with this server's challenge. The third
     * call carries a good token and is still refused, without reaching the check.
     */
    @Test
    void anAddressHeldBackGets429BeforeItsTokenIsCheckedAndOthersAndCallsWithoutTokenPass() throws Exception {
        RefusedTokenLimitFilter filter = new RefusedTokenLimitFilter(
                new FailedTokenThrottle(2, Duration.ofSeconds(60), clock), FhirContext.forR4Cached());
        AtomicInteger checked = new AtomicInteger();

        int first = call(filter, "/cds-services/hello", "198.51.100.7", "bad", checked).getStatus();
        int second = call(filter, "/fhir/Patient", "198.51.100.7", "bad", checked).getStatus();
        MockHttpServletResponse held = call(filter, "/cds-services/hello", "198.51.100.7", "good", checked);
        MockHttpServletResponse heldOnFhir = call(filter, "/fhir/Patient", "198.51.100.7", "good", checked);
        int withoutToken = call(filter, "/fhir/metadata", "198.51.100.7", null, checked).getStatus();
        int elsewhere = call(filter, "/cds-services/hello", "198.51.100.8", "good", checked).getStatus();

        assertThat(first).isEqualTo(401);
        assertThat(second).isEqualTo(401);
        assertThat(held.getStatus()).isEqualTo(429);
        assertThat(held.getHeader("Retry-After")).isEqualTo("60");
        assertThat(held.getContentAsString()).contains("\"code\":\"throttled\"", "Too many refused tokens: 2",
                "The last was refused because: the \\\"token\\\" is bad");
        assertThat(heldOnFhir.getStatus()).isEqualTo(429);
        assertThat(heldOnFhir.getContentType()).startsWith("application/fhir+json");
        assertThat(withoutToken).isEqualTo(200);
        assertThat(elsewhere).isEqualTo(200);
        assertThat(checked.get()).as("the two refused, the call without a token and the other address's")
                .isEqualTo(4);
    }

    @Test
    void theLimitIsTwentyRefusedTokensAMinuteUnlessSet() {
        HttpLimitsProperties defaults = new Binder(new MapConfigurationPropertySource(
                Map.of("resistance.http.max-bundle-entries", "10000")))
                .bindOrCreate("resistance.http", HttpLimitsProperties.class);
        HttpLimitsProperties set = new Binder(new MapConfigurationPropertySource(Map.of(
                "resistance.http.failed-token-limit", "5", "resistance.http.failed-token-window", "10s")))
                .bindOrCreate("resistance.http", HttpLimitsProperties.class);

        assertThat(defaults.failedTokenLimit()).isEqualTo(20);
        assertThat(defaults.failedTokenWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(set.failedTokenLimit()).isEqualTo(5);
        assertThat(set.failedTokenWindow()).isEqualTo(Duration.ofSeconds(10));
    }

    private static MockHttpServletResponse call(RefusedTokenLimitFilter filter, String path, String address,
            String token, AtomicInteger checked) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
        request.setRequestURI(path);
        request.setRemoteAddr(address);
        if (token != null) {
            request.addHeader("Authorization", "Bearer " + token);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> {
            checked.incrementAndGet();
            if ("bad".equals(token)) {
                MockHttpServletResponse answer = (MockHttpServletResponse) res;
                answer.setStatus(401);
                answer.setHeader("WWW-Authenticate",
                        "Bearer error=\"invalid_token\", error_description=\"the \\\"token\\\" is bad\"");
            }
        });
        return response;
    }
}
