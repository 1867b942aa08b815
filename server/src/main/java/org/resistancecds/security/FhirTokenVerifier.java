package org.resistancecds.security;

import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Verifies access tokens issued for this FHIR server: signature by a key of the issuer's JWKS, {@code iss},
 * {@code aud}, {@code exp} (required) and {@code nbf}. Used by the Spring Security chain on {@code /fhir} and
 * by the CDS services when they read this server's data under a {@code fhirAuthorization} token.
 */
public final class FhirTokenVerifier {

    private final JwtDecoder decoder;
    private final String patientClaim;
    private final boolean configured;

    private FhirTokenVerifier(JwtDecoder decoder, String patientClaim, boolean configured) {
        this.decoder = decoder;
        this.patientClaim = patientClaim;
        this.configured = configured;
    }

    /** A verifier for the configured issuer; without one, a verifier that refuses every token and says why. */
    public static FhirTokenVerifier of(FhirSecurityProperties properties) {
        List<String> missing = properties.missingSettings();
        if (!missing.isEmpty()) {
            String reason = "this server has no token issuer configured (" + String.join(", ", missing)
                    + "), so it accepts no access token";
            return new FhirTokenVerifier(token -> {
                throw new BadJwtException(reason);
            }, properties.patientClaim(), false);
        }
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri())
                .jwsAlgorithms(algorithms -> properties.algorithms().forEach(name -> {
                    SignatureAlgorithm algorithm = SignatureAlgorithm.from(name);
                    if (algorithm == null) {
                        throw new IllegalStateException("resistance.security.algorithms: unknown algorithm " + name);
                    }
                    algorithms.add(algorithm);
                }))
                .build();
        Set<String> audiences = Set.copyOf(properties.audience());
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(properties.clockSkew()),
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, exp -> exp != null),
                new JwtIssuerValidator(properties.issuer()),
                new JwtClaimValidator<List<String>>(
                        JwtClaimNames.AUD, aud -> aud != null && aud.stream().anyMatch(audiences::contains)));
        decoder.setJwtValidator(validator);
        return new FhirTokenVerifier(decoder, properties.patientClaim(), true);
    }

    /** The Spring Security decoder behind this verifier. */
    public JwtDecoder decoder() {
        return decoder;
    }

    public boolean isConfigured() {
        return configured;
    }

    public FhirAccess access(Jwt jwt) {
        return FhirAccess.fromClaims(jwt.getClaims(), patientClaim);
    }

    /** Verifies a token and returns what it grants; a {@link JwtException} says why a token is refused. */
    public FhirAccess verify(String token) throws JwtException {
        return access(decoder.decode(token));
    }
}
