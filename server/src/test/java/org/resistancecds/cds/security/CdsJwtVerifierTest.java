package org.resistancecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each acceptance rule of the CDS Hooks client JWT, with the reason a refused client is told. */
class CdsJwtVerifierTest {

    private static final String SERVICE = "https://cds.example.org/cds-services/ici-resistance-patient-view";

    private final CdsJwtVerifier verifier = new CdsJwtVerifier(properties(List.of(
            new CdsSecurityProperties.Client(TestJwts.ISSUER, TestJwts.trustedJwks(), null, List.of()),
            new CdsSecurityProperties.Client(TestJwts.RSA_ISSUER, TestJwts.rsaJwks(), null, List.of()))),
            Clock.systemUTC());

    @Test
    void acceptsEs384AndRs384FromTrustedClients() {
        assertThat(verify(TestJwts.es384(TestJwts.claims(SERVICE).build()))).isEqualTo(TestJwts.ISSUER);
        assertThat(verify(TestJwts.rs384(TestJwts.claims(SERVICE).issuer(TestJwts.RSA_ISSUER).build())))
                .isEqualTo(TestJwts.RSA_ISSUER);
    }

    @Test
    void audienceMayBeAnArrayAndDiffersOnlyInDefaultPortOrTrailingSlash() {
        JWTClaimsSet claims = TestJwts.claims("x").audience(List.of("https://other.example/x",
                "https://CDS.example.org:443/cds-services/ici-resistance-patient-view/")).build();
        assertThat(verify(TestJwts.es384(claims))).isEqualTo(TestJwts.ISSUER);
    }

    @Test
    void refusesWrongAudience() {
        String token = TestJwts.es384(TestJwts.claims("https://cds.example.org/cds-services/another-service").build());
        assertRefused(token, "does not name the URL called");
    }

    @Test
    void refusesExpiredAndFutureTokens() {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        assertRefused(TestJwts.es384(TestJwts.claims(SERVICE)
                .issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(300))).build()), "expired");
        Instant future = Instant.now().plus(Duration.ofMinutes(10));
        assertRefused(TestJwts.es384(TestJwts.claims(SERVICE)
                .issueTime(Date.from(future)).expirationTime(Date.from(future.plusSeconds(300))).build()),
                "issued in the future");
    }

    @Test
    void refusesMissingRequiredClaims() {
        assertRefused(TestJwts.es384(TestJwts.claims(SERVICE).jwtID(null).build()), "jti is required");
        assertRefused(TestJwts.es384(TestJwts.claims(SERVICE).expirationTime(null).build()), "exp is required");
        assertRefused(TestJwts.es384(TestJwts.claims(SERVICE).issueTime(null).build()), "iat is required");
        assertRefused(TestJwts.es384(TestJwts.claims(SERVICE).audience((String) null).build()), "aud is required");
    }

    @Test
    void refusesOverlongLifetime() {
        Instant now = Instant.now();
        assertRefused(TestJwts.es384(TestJwts.claims(SERVICE).expirationTime(Date.from(now.plus(Duration.ofHours(2))))
                .build()), "lifetime");
    }

    @Test
    void refusesReplayedJti() {
        String token = TestJwts.es384(TestJwts.claims(SERVICE).build());
        verify(token);
        assertRefused(token, "replayed");
    }

    @Test
    void refusesUnsignedHmacUntrustedAndForgedTokens() {
        assertRefused(TestJwts.none(TestJwts.claims(SERVICE).build()), "unsigned");
        assertRefused(TestJwts.hs256(TestJwts.claims(SERVICE).build()), "HMAC");
        assertRefused(TestJwts.rogue(TestJwts.claims(SERVICE).build()), "signature does not verify");
        assertRefused(TestJwts.es384(TestJwts.claims(SERVICE).issuer("https://unknown.example/").build()),
                "not a trusted client");
        assertRefused(TestJwts.rs384(TestJwts.claims(SERVICE).build()), "no RS384 key with kid 'ehr-rs384-1'");
        assertRefused(TestJwts.rs256(TestJwts.claims(SERVICE).issuer(TestJwts.RSA_ISSUER).build()),
                "algorithm RS256 is not accepted; use ES384 or RS384");
        JWTClaimsSet signed = TestJwts.claims("https://cds.example.org/cds-services/another").build();
        assertRefused(TestJwts.tampered(signed, TestJwts.claims(SERVICE).build()), "signature does not verify");
        assertRefused("not-a-jwt", "not a JWT");
    }

    /** Nimbus had reported both as a signature that does not verify, or as claims that were no JSON object. */
    @Test
    void refusesAnUnprocessedCritAndClaimsOfTheWrongTypeNamingWhy() {
        String claims = TestJwts.claims(SERVICE).build().toString();
        assertRefused(TestJwts.es384Raw(TestJwts.es384Header().criticalParams(java.util.Set.of("x-ext"))
                .customParam("x-ext", 1).build(), claims), "header crit names extensions this service does not "
                + "process: x-ext");
        assertRefused(TestJwts.es384Raw(TestJwts.es384Header().build(),
                claims.replaceFirst("\"exp\":(\\d+)", "\"exp\":\"$1\"")), "not valid JWT claims");
    }

    @Test
    void aReplayIsNotRecordedBeforeTheSignatureHolds() {
        JWTClaimsSet claims = TestJwts.claims(SERVICE).build();
        // An attacker who guesses a jti must not be able to burn it with a forged token.
        assertRefused(TestJwts.rogue(claims), "signature");
        assertThat(verify(TestJwts.es384(claims))).isEqualTo(TestJwts.ISSUER);
    }

    @Test
    void refusesJkuOffTheAllowList() {
        String token = TestJwts.es384WithJku(TestJwts.claims(SERVICE).build(), URI.create("https://attacker.example/jwks"));
        assertRefused(token, "not on the allow-list");
    }

    @Test
    void refusesSymmetricAlgorithmsInConfiguration() {
        assertThatThrownBy(() -> new CdsJwtVerifier(
                        new CdsSecurityProperties(true, List.of("HS256"), Duration.ofSeconds(60), Duration.ofMinutes(10),
                                10, Duration.ofMinutes(10), Duration.ofSeconds(5), List.of()),
                        Clock.systemUTC()))
                .hasMessageContaining("symmetric");
    }

    @Test
    void replayCacheRefusesRatherThanForgetsWhenFull() {
        CdsJwtVerifier small = new CdsJwtVerifier(new CdsSecurityProperties(true, List.of("ES384"),
                Duration.ofSeconds(60), Duration.ofMinutes(10), 2, Duration.ofMinutes(10), Duration.ofSeconds(5),
                List.of(new CdsSecurityProperties.Client(TestJwts.ISSUER, TestJwts.trustedJwks(), null, List.of()))),
                Clock.systemUTC());
        small.verify(TestJwts.es384(TestJwts.claims(SERVICE).build()), List.of(URI.create(SERVICE)));
        small.verify(TestJwts.es384(TestJwts.claims(SERVICE).build()), List.of(URI.create(SERVICE)));

        assertThatThrownBy(() -> small.verify(TestJwts.es384(TestJwts.claims(SERVICE).build()),
                        List.of(URI.create(SERVICE))))
                .isInstanceOf(AuthenticationFailure.class)
                .hasMessageContaining("too many recent tokens");
    }

    private String verify(String token) {
        return verifier.verify(token, List.of(URI.create(SERVICE)));
    }

    private void assertRefused(String token, String reason) {
        assertThatThrownBy(() -> verify(token)).isInstanceOf(AuthenticationFailure.class).hasMessageContaining(reason);
    }

    static CdsSecurityProperties properties(List<CdsSecurityProperties.Client> clients) {
        return new CdsSecurityProperties(true, List.of("ES384", "RS384"), Duration.ofSeconds(60), Duration.ofMinutes(10),
                1000, Duration.ofMinutes(10), Duration.ofSeconds(5), clients);
    }
}
