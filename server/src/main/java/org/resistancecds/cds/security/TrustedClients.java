package org.resistancecds.cds.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The configured CDS clients and where each one's public keys come from. Fetched key sets are cached and
 * re-read (rate-limited) when a token names an unknown {@code kid}, so clients can rotate keys.
 */
final class TrustedClients {

    /** One client's key sources. */
    record Keys(String issuer, JWKSource<SecurityContext> configured, Map<String, JWKSource<SecurityContext>> byJku) {}

    private final Map<String, Keys> byIssuer = new HashMap<>();

    TrustedClients(CdsSecurityProperties properties) {
        int timeout = (int) properties.jwksTimeout().toMillis();
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(timeout, timeout, 512 * 1024);
        long ttl = properties.jwksCacheTtl().toMillis();
        for (CdsSecurityProperties.Client client : properties.clients()) {
            if (client.issuer() == null || client.issuer().isBlank()) {
                throw new IllegalStateException("resistance.cds.security.clients[]: every client needs an issuer");
            }
            JWKSource<SecurityContext> configured = null;
            if (client.jwks() != null && !client.jwks().isBlank()) {
                try {
                    // Only public parts: a private key pasted by mistake is never used or kept.
                    configured = new ImmutableJWKSet<>(JWKSet.parse(client.jwks()).toPublicJWKSet());
                } catch (ParseException e) {
                    throw new IllegalStateException("client " + client.issuer() + ": jwks is not a JWK Set", e);
                }
            } else if (client.jwksUrl() != null && !client.jwksUrl().isBlank()) {
                configured = remote(client.jwksUrl(), retriever, ttl, client.issuer());
            }
            Map<String, JWKSource<SecurityContext>> byJku = new ConcurrentHashMap<>();
            for (String jku : client.allowedJku()) {
                byJku.put(jku, remote(jku, retriever, ttl, client.issuer()));
            }
            if (configured == null && byJku.isEmpty()) {
                throw new IllegalStateException("client " + client.issuer()
                        + ": give jwks, jwks-url or allowed-jku, or the client can never be verified");
            }
            if (byIssuer.put(client.issuer(), new Keys(client.issuer(), configured, byJku)) != null) {
                throw new IllegalStateException("client " + client.issuer() + " is configured twice");
            }
        }
    }

    Optional<Keys> find(String issuer) {
        return Optional.ofNullable(byIssuer.get(issuer));
    }

    boolean isEmpty() {
        return byIssuer.isEmpty();
    }

    private static JWKSource<SecurityContext> remote(
            String url, DefaultResourceRetriever retriever, long ttl, String issuer) {
        try {
            URL parsed = URI.create(url).toURL();
            return JWKSourceBuilder.<SecurityContext>create(parsed, retriever)
                    .cache(ttl, JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                    .rateLimited(true)
                    .retrying(false)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("client " + issuer + ": '" + url + "' is not a URL", e);
        }
    }
}
