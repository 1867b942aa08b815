package org.resistancecds.cds.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Test CDS clients: an EHR with an EC P-384 key (ES384) and one with an RSA key (RS384), generated per test run,
 * and builders for the tokens they (or an attacker) would send.
 */
public final class TestJwts {

    public static final String ISSUER = "https://ehr.test.example/";
    public static final String RSA_ISSUER = "https://rsa-ehr.test.example/";

    public static final ECKey EC_KEY = generateEc("ehr-es384-1");
    public static final RSAKey RSA_KEY = generateRsa("ehr-rs384-1");
    /** A key nobody trusts, with the same kid as the trusted one. */
    public static final ECKey ROGUE_KEY = generateEc("ehr-es384-1");

    private TestJwts() {}

    /** The JWK Set the EHR would publish or exchange (public parts only). */
    public static String trustedJwks() {
        return new JWKSet(EC_KEY.toPublicJWK()).toString();
    }

    public static String rsaJwks() {
        return new JWKSet(RSA_KEY.toPublicJWK()).toString();
    }

    /** Claims as the specification's example has them, for the given audience, valid for five minutes. */
    public static JWTClaimsSet.Builder claims(String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .jwtID(UUID.randomUUID().toString())
                .claim("tenant", "2ddd6c3a-8e9a-44c6-a305-52111ad302a2");
    }

    public static String es384(JWTClaimsSet claims) {
        return sign(ecSigner(EC_KEY), EC_KEY.getKeyID(), JWSAlgorithm.ES384, claims, null);
    }

    public static String es384WithJku(JWTClaimsSet claims, URI jku) {
        return sign(ecSigner(EC_KEY), EC_KEY.getKeyID(), JWSAlgorithm.ES384, claims, jku);
    }

    public static String rs384(JWTClaimsSet claims) {
        return sign(rsaSigner(), RSA_KEY.getKeyID(), JWSAlgorithm.RS384, claims, null);
    }

    /** RS256: asymmetric but not among the accepted algorithms by default. */
    public static String rs256(JWTClaimsSet claims) {
        return sign(rsaSigner(), RSA_KEY.getKeyID(), JWSAlgorithm.RS256, claims, null);
    }

    public static String rogue(JWTClaimsSet claims) {
        return sign(ecSigner(ROGUE_KEY), ROGUE_KEY.getKeyID(), JWSAlgorithm.ES384, claims, null);
    }

    /** An unsigned token ({@code alg: none}). */
    public static String none(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /**
     * An HS256 token "signed" with the trusted EC key's public x coordinate as the HMAC secret: the classic
     * algorithm-confusion attack, which must fail on the algorithm alone.
     */
    public static String hs256(JWTClaimsSet claims) {
        try {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            byte[] x = EC_KEY.getX().decode();
            System.arraycopy(x, 0, secret, 0, Math.min(x.length, secret.length));
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(EC_KEY.getKeyID()).type(JOSEObjectType.JWT).build(),
                    claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signed by the trusted EC key over the given header and payload text (claims of the wrong JSON type). */
    public static String es384Raw(JWSHeader header, String payload) {
        try {
            JWSObject jws = new JWSObject(header, new Payload(payload));
            jws.sign(ecSigner(EC_KEY));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header the trusted EC client signs with, to change before {@link #es384Raw}. */
    public static JWSHeader.Builder es384Header() {
        return new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(EC_KEY.getKeyID()).type(JOSEObjectType.JWT);
    }

    /** A token whose payload was changed after signing. */
    public static String tampered(JWTClaimsSet signedClaims, JWTClaimsSet sentClaims) {
        String[] parts = es384(signedClaims).split("\\.");
        return parts[0] + "." + Base64URL.encode(sentClaims.toString()) + "." + parts[2];
    }

    private static String sign(com.nimbusds.jose.JWSSigner signer, String kid, JWSAlgorithm alg,
            JWTClaimsSet claims, URI jku) {
        try {
            JWSHeader.Builder header = new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT);
            if (jku != null) {
                header.jwkURL(jku);
            }
            SignedJWT jwt = new SignedJWT(header.build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSASSASigner rsaSigner() {
        try {
            return new RSASSASigner(RSA_KEY);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECDSASigner ecSigner(ECKey key) {
        try {
            return new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey generateEc(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_384).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generateRsa(String kid) {
        try {
            return new RSAKeyGenerator(3072).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
