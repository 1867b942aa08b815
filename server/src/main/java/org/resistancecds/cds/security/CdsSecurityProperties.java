package org.resistancecds.cds.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Authentication of CDS clients (EHRs) by the JWT the CDS Hooks specification defines.
 *
 * @param enabled check a JWT on every CDS call (on by default; the {@code dev} profile turns it off)
 * @param algorithms accepted signature algorithms; asymmetric only (HMAC and {@code none} are always refused)
 * @param clockSkew tolerance on {@code exp} and {@code iat}
 * @param maxLifetime longest accepted {@code exp - iat}; the specification recommends five minutes, and the
 *     bound keeps the replay cache finite
 * @param replayCacheSize most token ids remembered at once; when full of unexpired ids new tokens are refused
 *     rather than letting a replay through. On PostgreSQL the ids are kept in a table instead, without this bound
 * @param jwksCacheTtl how long a client's fetched key set is kept before it is read again
 * @param jwksTimeout connect and read timeout for fetching a key set
 * @param clients the trusted clients, by issuer
 */
@ConfigurationProperties("resistance.cds.security")
public record CdsSecurityProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue({"ES384", "RS384"}) List<String> algorithms,
        @DefaultValue("60s") Duration clockSkew,
        @DefaultValue("10m") Duration maxLifetime,
        @DefaultValue("100000") int replayCacheSize,
        @DefaultValue("10m") Duration jwksCacheTtl,
        @DefaultValue("5s") Duration jwksTimeout,
        List<Client> clients) {

    public CdsSecurityProperties {
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    /**
     * A trusted CDS client. Its keys come from {@code jwks} (a JWK Set document pasted in), from
     * {@code jwksUrl}, or from the {@code jku} header of its tokens when that URL is in {@code allowedJku}.
     *
     * @param issuer the {@code iss} claim the client's tokens carry
     * @param jwks a JWK Set (JSON) with the client's public keys
     * @param jwksUrl where the client publishes its JWK Set
     * @param allowedJku the {@code jku} URLs this client may point to (exact match)
     */
    public record Client(String issuer, String jwks, String jwksUrl, List<String> allowedJku) {

        public Client {
            allowedJku = allowedJku == null ? List.of() : List.copyOf(allowedJku);
        }
    }
}
