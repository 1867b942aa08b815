package org.resistancecds.cds.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies a CDS Hooks client JWT (CDS Hooks 2.0, "Trusting CDS Clients"): signed with an accepted asymmetric
 * algorithm by a key of a trusted issuer, {@code aud} naming the URL called, {@code exp} and {@code iat} in range,
 * and {@code jti} not seen before. Cryptography is Nimbus JOSE+JWT's; this class decides what is acceptable and
 * says why not.
 */
public final class CdsJwtVerifier {

    private final TrustedClients clients;
    private final Set<JWSAlgorithm> algorithms;
    private final Duration clockSkew;
    private final Duration maxLifetime;
    private final TokenIdRecord acceptedIds;
    private final Clock clock;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    public CdsJwtVerifier(CdsSecurityProperties properties, Clock clock) {
        this(properties, clock, null);
    }

    /**
     * @param sharedIds the ids the nodes sharing a PostgreSQL database accepted, or null on a single node, which
     *     keeps them in memory. The table sees this node's calls too, so memory is then not asked: a token the
     *     table had taken could otherwise be refused for a full memory and then, sent again, as a replay.
     */
    CdsJwtVerifier(CdsSecurityProperties properties, Clock clock, SharedTokenIds sharedIds) {
        this.acceptedIds = sharedIds != null ? sharedIds : new JtiReplayCache(properties.replayCacheSize(), clock);
        this.clients = new TrustedClients(properties);
        this.algorithms = properties.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toSet());
        for (JWSAlgorithm algorithm : algorithms) {
            if (!JWSAlgorithm.Family.SIGNATURE.contains(algorithm)) {
                throw new IllegalStateException("resistance.cds.security.algorithms: " + algorithm
                        + " is not an asymmetric signature algorithm; CDS Hooks forbids symmetric ones");
            }
        }
        this.clockSkew = properties.clockSkew();
        this.maxLifetime = properties.maxLifetime();
        this.clock = clock;
    }

    boolean hasClients() {
        return !clients.isEmpty();
    }

    /**
     * Verifies a bearer token for a call to one of the given URLs.
     *
     * @param audiences the URLs a token for this call may name in {@code aud}
     * @return the verified issuer
     * @throws AuthenticationFailure with the reason, when the token is not acceptable
     */
    public String verify(String token, Collection<URI> audiences) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationFailure("the bearer token is not a JWT");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new AuthenticationFailure("unsigned (alg 'none') and encrypted tokens are refused; sign with "
                    + names(algorithms));
        }
        JWSHeader header = signed.getHeader();
        JWSAlgorithm algorithm = header.getAlgorithm();
        if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
            throw new AuthenticationFailure("symmetric (HMAC) signatures are refused by CDS Hooks; sign with "
                    + names(algorithms));
        }
        if (!algorithms.contains(algorithm)) {
            throw new AuthenticationFailure("algorithm " + algorithm + " is not accepted; use " + names(algorithms));
        }
        if (header.getType() != null && !JOSEObjectType.JWT.equals(header.getType())) {
            throw new AuthenticationFailure("header typ must be 'JWT'");
        }
        if (header.getKeyID() == null || header.getKeyID().isBlank()) {
            throw new AuthenticationFailure("header kid is required to find the signing key");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            // RFC 7515: a token whose crit names extensions the recipient does not process is refused (Nimbus then
            // reported it as a signature that does not verify).
            throw new AuthenticationFailure("header crit names extensions this service does not process: "
                    + shorten(String.join(", ", header.getCriticalParams())));
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            // Nimbus names the claim of the wrong type ("exp" as a string); the claims hold no secret.
            throw new AuthenticationFailure("the token's claims are not valid JWT claims: " + shorten(e.getMessage()));
        }
        String issuer = claims.getIssuer();
        if (issuer == null || issuer.isBlank()) {
            throw new AuthenticationFailure("claim iss is required");
        }
        TrustedClients.Keys keys = clients.find(issuer)
                .orElseThrow(() -> new AuthenticationFailure("issuer '" + shorten(issuer) + "' is not a trusted client"));
        checkSignature(signed, keys);
        // Claims are checked only once the signature holds: nothing unverified reaches the replay cache.
        checkAudience(claims, audiences);
        Instant expires = checkTimes(claims);
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank()) {
            throw new AuthenticationFailure("claim jti is required (replay protection)");
        }
        acceptedIds.record(issuer, jti, expires.plus(clockSkew));
        return issuer;
    }

    private void checkSignature(SignedJWT signed, TrustedClients.Keys keys) {
        JWSHeader header = signed.getHeader();
        JWKSource<SecurityContext> source = keys.configured();
        if (header.getJWKURL() != null) {
            source = keys.byJku().get(header.getJWKURL().toString());
            if (source == null) {
                throw new AuthenticationFailure("jku '" + shorten(header.getJWKURL().toString())
                        + "' is not on the allow-list of issuer '" + keys.issuer() + "'");
            }
        } else if (source == null) {
            throw new AuthenticationFailure("issuer '" + keys.issuer() + "' publishes its keys by jku; the header has none");
        }
        List<? extends Key> candidates;
        try {
            candidates = new JWSVerificationKeySelector<>(header.getAlgorithm(), source).selectJWSKeys(header, null);
        } catch (RateLimitReachedException e) {
            // The key set was just read again for an unknown kid; it is not read again so soon.
            throw new AuthenticationFailure("no " + header.getAlgorithm() + " key with kid '"
                    + shorten(header.getKeyID()) + "' among the keys of issuer '" + keys.issuer()
                    + "' (read moments ago)");
        } catch (KeySourceException e) {
            throw new AuthenticationFailure("the keys of issuer '" + keys.issuer() + "' could not be read");
        }
        if (candidates.isEmpty()) {
            throw new AuthenticationFailure("no " + header.getAlgorithm() + " key with kid '" + shorten(header.getKeyID())
                    + "' among the keys of issuer '" + keys.issuer() + "'");
        }
        for (Key key : candidates) {
            try {
                if (signed.verify(verifiers.createJWSVerifier(header, key))) {
                    return;
                }
            } catch (JOSEException e) {
                // A key unfit for this algorithm cannot verify it; try the next one.
            }
        }
        throw new AuthenticationFailure("signature does not verify with the key '" + shorten(header.getKeyID())
                + "' of issuer '" + keys.issuer() + "'");
    }

    private static void checkAudience(JWTClaimsSet claims, Collection<URI> audiences) {
        List<String> aud = claims.getAudience();
        if (aud == null || aud.isEmpty()) {
            throw new AuthenticationFailure("claim aud is required: the URL of the CDS service called");
        }
        for (String value : aud) {
            URI named;
            try {
                named = normalize(URI.create(value));
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (URI audience : audiences) {
                if (named.equals(normalize(audience))) {
                    return;
                }
            }
        }
        throw new AuthenticationFailure("aud " + aud + " does not name the URL called (" + audiences.iterator().next() + ")");
    }

    private Instant checkTimes(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null) {
            throw new AuthenticationFailure("claim exp is required");
        }
        if (iat == null) {
            throw new AuthenticationFailure("claim iat is required");
        }
        Instant now = clock.instant();
        if (exp.toInstant().plus(clockSkew).isBefore(now)) {
            throw new AuthenticationFailure("token expired at " + exp.toInstant());
        }
        if (iat.toInstant().minus(clockSkew).isAfter(now)) {
            throw new AuthenticationFailure("token issued in the future (iat " + iat.toInstant() + ")");
        }
        if (Duration.between(iat.toInstant(), exp.toInstant()).compareTo(maxLifetime) > 0) {
            throw new AuthenticationFailure("token lifetime exp - iat exceeds " + maxLifetime.toMinutes()
                    + " minutes (resistance.cds.security.max-lifetime)");
        }
        return exp.toInstant();
    }

    /** Scheme and host in lower case, default port dropped, no trailing slash: how two URLs of one endpoint compare. */
    static URI normalize(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if ((scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)) {
            port = -1;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(scheme + "://" + host + (port == -1 ? "" : ":" + port) + path);
    }

    private static String names(Set<JWSAlgorithm> algorithms) {
        return algorithms.stream().map(JWSAlgorithm::getName).sorted().collect(Collectors.joining(" or "));
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
