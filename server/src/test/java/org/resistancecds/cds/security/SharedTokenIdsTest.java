package org.resistancecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.resistancecds.MovableClock;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Two nodes' stores on one database (H2 in memory here; PostgresIT does the same on PostgreSQL). */
class SharedTokenIdsTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final JdbcDataSource database = database("jdbc:h2:mem:tokens-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    private final SharedTokenIds nodeA = new SharedTokenIds(database, clock);
    private final SharedTokenIds nodeB = new SharedTokenIds(database, clock);

    SharedTokenIdsTest() {
        nodeA.createTable();
        nodeB.createTable();
    }

    @Test
    void anIdOneNodeAcceptedIsRefusedByTheOtherUntilItExpires() {
        Instant expires = clock.instant().plusSeconds(300);
        nodeA.record("ehr", "t-1", expires);

        assertThatThrownBy(() -> nodeB.record("ehr", "t-1", expires))
                .isInstanceOf(AuthenticationFailure.class).hasMessageContaining("token replayed: jti 't-1'");
        nodeB.record("ehr", "t-2", expires);
        nodeB.record("another-ehr", "t-1", expires);

        clock.move(Duration.ofSeconds(301));
        nodeB.record("ehr", "t-1", clock.instant().plusSeconds(300));
        assertThatThrownBy(() -> nodeA.record("ehr", "t-1", clock.instant().plusSeconds(300)))
                .isInstanceOf(AuthenticationFailure.class);
    }

    @Test
    void expiredIdsAreRemovedAtMostOnceAMinute() {
        nodeA.record("ehr", "a", clock.instant().plusSeconds(30));
        nodeA.record("ehr", "b", clock.instant().plusSeconds(600));
        clock.move(Duration.ofSeconds(40));
        nodeA.record("ehr", "c", clock.instant().plusSeconds(600));
        assertThat(nodeA.size()).as("within a minute of the last removal").isEqualTo(3);

        clock.move(Duration.ofSeconds(30));
        nodeA.record("ehr", "d", clock.instant().plusSeconds(600));
        assertThat(nodeA.size()).as("'a' removed").isEqualTo(3);
    }

    @Test
    void aDatabaseThatDoesNotAnswerRefusesTheTokenRatherThanLetAReplayPass() {
        SharedTokenIds unreachable = new SharedTokenIds(database("jdbc:h2:tcp://localhost:1/none"), clock);

        assertThatThrownBy(() -> unreachable.record("ehr", "t-1", clock.instant().plusSeconds(60)))
                .isInstanceOf(ReplayCheckUnavailable.class).hasMessageContaining("could not be checked for replay");
    }

    /** 503, not 401: nothing is wrong with the token, and the same one may be sent again once the table answers. */
    @Test
    void aCdsCallWhoseTokenCannotBeCheckedIsA503WithRetryAfter() throws Exception {
        Clock now = Clock.systemUTC();
        CdsJwtVerifier verifier = new CdsJwtVerifier(CdsJwtVerifierTest.properties(List.of(
                new CdsSecurityProperties.Client(TestJwts.ISSUER, TestJwts.trustedJwks(), null, List.of()))), now,
                new SharedTokenIds(database("jdbc:h2:tcp://localhost:1/none"), now));
        CdsAuthenticationFilter filter = new CdsAuthenticationFilter(verifier, FhirContext.forR4Cached(),
                "https://cds.example.org");
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/cds-services/ici-resistance-patient-view");
        request.addHeader("Authorization", "Bearer " + TestJwts.es384(TestJwts.claims(
                "https://cds.example.org/cds-services/ici-resistance-patient-view").build()));
        MockHttpServletResponse response = new MockHttpServletResponse();

        filter.doFilter(request, response, (req, res) -> { throw new AssertionError("the call went through"); });

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getContentAsString()).contains("could not be checked for replay");
    }

    @Test
    void expiredIdsAreFoundThroughAnIndexOnTheirExpiry() {
        Integer indexes = new JdbcTemplate(database).queryForObject(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE TABLE_NAME = ? AND COLUMN_NAME = ?",
                Integer.class, SharedTokenIds.TABLE, "EXPIRES_AT");
        assertThat(indexes).isEqualTo(1);
    }

    /** The table sees this node's calls as well: the memory and its bound are not asked, only the table. */
    @Test
    void withTheSharedTableANodesMemoryBoundRefusesNothingAndTheTableCatchesItsOwnReplays() {
        Clock now = Clock.systemUTC();
        String service = "https://cds.example.org/cds-services/ici-resistance-patient-view";
        CdsSecurityProperties oneIdInMemory = new CdsSecurityProperties(true, List.of("ES384"), Duration.ofSeconds(60),
                Duration.ofMinutes(10), 1, Duration.ofMinutes(10), Duration.ofSeconds(5), List.of(
                        new CdsSecurityProperties.Client(TestJwts.ISSUER, TestJwts.trustedJwks(), null, List.of())));
        CdsJwtVerifier node = new CdsJwtVerifier(oneIdInMemory, now, nodeA);
        List<String> tokens = List.of(TestJwts.es384(TestJwts.claims(service).build()),
                TestJwts.es384(TestJwts.claims(service).build()), TestJwts.es384(TestJwts.claims(service).build()));

        tokens.forEach(token -> assertThat(node.verify(token, List.of(URI.create(service))))
                .isEqualTo(TestJwts.ISSUER));
        assertThatThrownBy(() -> node.verify(tokens.get(1), List.of(URI.create(service))))
                .isInstanceOf(AuthenticationFailure.class).hasMessageContaining("token replayed");
        assertThat(nodeA.size()).isEqualTo(3);
    }

    @Test
    void aTokenAcceptedByOneNodesVerifierIsRefusedByAnothers() {
        SharedTokenIdsScenarios.aTokenOneNodeAcceptedIsRefusedByAnother(database);
    }

    private static JdbcDataSource database(String url) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser("sa");
        return dataSource;
    }
}
