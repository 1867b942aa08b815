package org.resistancecds.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.resistancecds.cds.security.TestJwts;

/** Client authentication and CORS over HTTP: which tokens open the CDS endpoints, and what a refusal says. */
class CdsSecurityIT extends AbstractCdsIT {

    private static final String SERVICE_PATH = "/cds-services/ici-resistance-patient-view";

    @Test
    void acceptsAValidEs384Token() throws Exception {
        HttpResponse<String> response = withToken("/cds-services", TestJwts.es384(claims("/cds-services").build()));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void acceptsAKeyFoundThroughAnAllowListedJku() throws Exception {
        URI jku = URI.create(FakeEhr.get().jwksUrl());
        String token = TestJwts.es384WithJku(claims("/cds-services").issuer(JKU_ISSUER).build(), jku);

        assertThat(withToken("/cds-services", token).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesAMissingToken() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/cds-services")).build());

        assertThat(assertErrorBody(response, 401)).contains("Authorization: Bearer <JWT> is required");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Bearer error=\"invalid_token\""));
        // Written by a filter in front of the controller, with the headers every answer carries.
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void refusesAnExpiredToken() throws Exception {
        Instant past = Instant.now().minusSeconds(900);
        String token = TestJwts.es384(claims(SERVICE_PATH)
                .issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(300))).build());

        assertThat(assertErrorBody(postWithToken(token), 401)).contains("expired");
    }

    @Test
    void refusesATokenForAnotherAudience() throws Exception {
        String token = TestJwts.es384(claims("/cds-services/ici-resistance-order-sign").build());

        assertThat(assertErrorBody(postWithToken(token), 401)).contains("does not name the URL called");
    }

    @Test
    void refusesATokenSignedWithAnUntrustedKey() throws Exception {
        assertThat(assertErrorBody(postWithToken(TestJwts.rogue(claims(SERVICE_PATH).build())), 401))
                .contains("signature does not verify");
    }

    /** The challenge header is sent whatever the token names: a reason it cannot carry as is is made ASCII. */
    @Test
    void aRefusalNamingCharactersBeyondAsciiStillHasItsChallenge() throws Exception {
        HttpResponse<String> response = postWithToken(TestJwts.es384(claims(SERVICE_PATH)
                .issuer("https://ehr.\u4e2d\u6587.example/\u0001").build()));

        assertThat(assertErrorBody(response, 401)).contains("is not a trusted client");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value)
                .startsWith("Bearer error=\"invalid_token\"").contains("is not a trusted client").matches("[ -~]*"));
    }

    @Test
    void refusesAReplayedToken() throws Exception {
        String token = TestJwts.es384(claims("/cds-services").build());

        assertThat(withToken("/cds-services", token).statusCode()).isEqualTo(200);
        assertThat(assertErrorBody(withToken("/cds-services", token), 401)).contains("replayed");
    }

    @Test
    void refusesUnsignedAndHmacTokens() throws Exception {
        assertThat(assertErrorBody(postWithToken(TestJwts.none(claims(SERVICE_PATH).build())), 401)).contains("unsigned");
        assertThat(assertErrorBody(postWithToken(TestJwts.hs256(claims(SERVICE_PATH).build())), 401)).contains("HMAC");
    }

    @Test
    void refusesAJkuOffTheAllowList() throws Exception {
        String token = TestJwts.es384WithJku(claims(SERVICE_PATH).issuer(JKU_ISSUER).build(),
                URI.create(FakeEhr.get().base() + "/other-jwks"));

        assertThat(assertErrorBody(postWithToken(token), 401)).contains("not on the allow-list");
    }

    @Test
    void theFhirEndpointIsNotBehindCdsAuthentication() throws Exception {
        assertThat(get("/fhir/metadata").statusCode()).isEqualTo(200);
    }

    @Test
    void browsersMayCallFromAnotherOrigin() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(baseUrl() + SERVICE_PATH))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://sandbox.cds-hooks.org")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .build());

        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://sandbox.cds-hooks.org");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("authorization", "content-type");

        HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/cds-services"))
                .header("Origin", "https://sandbox.cds-hooks.org").build());
        // The page can read why it was refused.
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://sandbox.cds-hooks.org");
    }

    private JWTClaimsSet.Builder claims(String path) {
        return TestJwts.claims(baseUrl() + path);
    }

    private HttpResponse<String> withToken(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", "Bearer " + token).build());
    }

    private HttpResponse<String> postWithToken(String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + SERVICE_PATH))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request("patient-view", "p1", null, null)))
                .build());
    }
}
