package org.resistancecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;

/** What two nodes sharing a database must agree on about CDS client tokens, for any database. */
public final class SharedTokenIdsScenarios {

    private static final String SERVICE = "https://cds.example.org/cds-services/ici-resistance-patient-view";

    private SharedTokenIdsScenarios() {}

    /** Two verifiers, as two nodes have, each with its own memory of tokens and the shared table of the database. */
    public static void aTokenOneNodeAcceptedIsRefusedByAnother(DataSource database) {
        Clock now = Clock.systemUTC();
        CdsSecurityProperties properties = CdsJwtVerifierTest.properties(List.of(
                new CdsSecurityProperties.Client(TestJwts.ISSUER, TestJwts.trustedJwks(), null, List.of())));
        SharedTokenIds tableA = new SharedTokenIds(database, now);
        tableA.createTable();
        CdsJwtVerifier nodeA = new CdsJwtVerifier(properties, now, tableA);
        CdsJwtVerifier nodeB = new CdsJwtVerifier(properties, now, new SharedTokenIds(database, now));
        String token = TestJwts.es384(TestJwts.claims(SERVICE).build());

        assertThat(nodeA.verify(token, List.of(URI.create(SERVICE)))).isEqualTo(TestJwts.ISSUER);
        assertThatThrownBy(() -> nodeB.verify(token, List.of(URI.create(SERVICE))))
                .isInstanceOf(AuthenticationFailure.class).hasMessageContaining("token replayed");
        String another = TestJwts.es384(TestJwts.claims(SERVICE).build());
        assertThat(nodeB.verify(another, List.of(URI.create(SERVICE)))).isEqualTo(TestJwts.ISSUER);
    }
}
