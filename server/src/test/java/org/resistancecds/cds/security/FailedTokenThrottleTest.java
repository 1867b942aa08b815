package org.resistancecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class FailedTokenThrottleTest {

    private static final String SERVICE = "https://cds.example.org/cds-services/ici-resistance-patient-view";

    private Instant now = Instant.parse("2026-12-08T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    };

    @Test
    void anAddressIsHeldBackOnceItsRefusalsReachTheLimitUntilTheWindowEnds() {
        FailedTokenThrottle throttle = new FailedTokenThrottle(3, Duration.ofSeconds(60), clock);
        throttle.refused("10.0.0.1", "expired");
        throttle.refused("10.0.0.1", "expired");
        assertThat(throttle.holding("10.0.0.1")).isNull();

        now = now.plusSeconds(20);
        throttle.refused("10.0.0.1", "bad signature");
        FailedTokenThrottle.Refusals holding = throttle.holding("10.0.0.1");
        assertThat(holding).isNotNull();
        assertThat(holding.count()).isEqualTo(3);
        assertThat(holding.secondsLeft()).isEqualTo(40);
        assertThat(holding.lastReason()).isEqualTo("bad signature");
        assertThat(throttle.holding("10.0.0.2")).as("another address").isNull();

        now = now.plusSeconds(40);
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

    /** The third call carries a good token and is still refused: nothing of it was checked. */
    @Test
    void theFilterAnswers429BeforeCheckingTheTokenOfAnAddressHeldBack() throws Exception {
        Clock wallClock = Clock.systemUTC();
        CdsJwtVerifier verifier = new CdsJwtVerifier(CdsJwtVerifierTest.properties(List.of(
                new CdsSecurityProperties.Client(TestJwts.ISSUER, TestJwts.trustedJwks(), null, List.of()))),
                wallClock);
        CdsAuthenticationFilter filter = new CdsAuthenticationFilter(verifier, FhirContext.forR4Cached(),
                "https://cds.example.org", new FailedTokenThrottle(2, Duration.ofSeconds(60), clock));
        AtomicInteger passed = new AtomicInteger();

        MockHttpServletResponse first = call(filter, "198.51.100.7", forged(), passed);
        MockHttpServletResponse second = call(filter, "198.51.100.7", forged(), passed);
        MockHttpServletResponse third = call(filter, "198.51.100.7", TestJwts.es384(TestJwts.claims(SERVICE).build()),
                passed);
        MockHttpServletResponse elsewhere = call(filter, "198.51.100.8",
                TestJwts.es384(TestJwts.claims(SERVICE).build()), passed);

        assertThat(first.getStatus()).isEqualTo(401);
        assertThat(second.getStatus()).isEqualTo(401);
        assertThat(third.getStatus()).isEqualTo(429);
        assertThat(third.getHeader("Retry-After")).isEqualTo("60");
        assertThat(third.getContentAsString()).contains("\"code\":\"throttled\"", "Too many refused tokens",
                "The last was refused because: signature does not verify");
        assertThat(elsewhere.getStatus()).isEqualTo(200);
        assertThat(passed.get()).as("only the call from the other address went through").isEqualTo(1);
    }

    @Test
    void theLimitIsTwentyRefusedTokensAMinuteUnlessSet() {
        CdsSecurityProperties defaults = new Binder(new MapConfigurationPropertySource(
                Map.of("resistance.cds.security.enabled", "true")))
                .bindOrCreate("resistance.cds.security", CdsSecurityProperties.class);
        CdsSecurityProperties set = new Binder(new MapConfigurationPropertySource(Map.of(
                "resistance.cds.security.failed-token-limit", "5",
                "resistance.cds.security.failed-token-window", "10s")))
                .bindOrCreate("resistance.cds.security", CdsSecurityProperties.class);

        assertThat(defaults.failedTokenLimit()).isEqualTo(20);
        assertThat(defaults.failedTokenWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(set.failedTokenLimit()).isEqualTo(5);
        assertThat(set.failedTokenWindow()).isEqualTo(Duration.ofSeconds(10));
    }

    /** A token of the trusted issuer whose signature is random bytes of the right length. */
    private static String forged() {
        String token = TestJwts.es384(TestJwts.claims(SERVICE).build());
        byte[] signature = new byte[96];
        new SecureRandom().nextBytes(signature);
        return token.substring(0, token.lastIndexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static MockHttpServletResponse call(CdsAuthenticationFilter filter, String address, String token,
            AtomicInteger passed) throws Exception {
        MockHttpServletRequest request =
                new MockHttpServletRequest("POST", "/cds-services/ici-resistance-patient-view");
        request.setRemoteAddr(address);
        request.addHeader("Authorization", "Bearer " + token);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> passed.incrementAndGet());
        return response;
    }
}
