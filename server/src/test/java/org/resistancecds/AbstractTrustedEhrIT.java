package org.resistancecds;

import org.resistancecds.cds.security.TestJwts;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shared test server with CDS client authentication on and one trusted EHR ({@link TestJwts}), for tests that
 * call the CDS services as an EHR would. Subclasses share one Spring context.
 */
public abstract class AbstractTrustedEhrIT extends AbstractServerIT {

    @DynamicPropertySource
    static void trustedEhr(DynamicPropertyRegistry registry) {
        registry.add("resistance.cds.security.enabled", () -> "true");
        registry.add("resistance.cds.security.clients[0].issuer", () -> TestJwts.ISSUER);
        registry.add("resistance.cds.security.clients[0].jwks", TestJwts::trustedJwks);
    }

    /** The Authorization header value a trusted EHR sends to the CDS service at {@code url}. */
    protected static String ehrAuthorization(String url) {
        return "Bearer " + TestJwts.es384(TestJwts.claims(url).build());
    }
}
