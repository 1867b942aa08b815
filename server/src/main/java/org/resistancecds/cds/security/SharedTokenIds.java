package org.resistancecds.cds.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The ids of accepted CDS client tokens, kept in the database the nodes share, so that a token accepted by one node
 * is refused by every other until it expires: a node's memory ({@link JtiReplayCache}) sees only its own calls, and
 * a replay sent to another node behind the load balancer passed. A row per token: its primary key refuses the second
 * insert of an id, on whichever node. Rows are removed once expired, at most once a minute.
 */
final class SharedTokenIds implements TokenIdRecord {

    static final String TABLE = "RCDS_CDS_TOKEN_ID";
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final AtomicLong nextPurge = new AtomicLong();

    SharedTokenIds(DataSource dataSource, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.clock = clock;
    }

    /** Plain SQL both H2 and PostgreSQL take; nodes sharing a database create it under the schema lock. */
    void createTable() {
        jdbc.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                + " (TOKEN_KEY VARCHAR(64) NOT NULL PRIMARY KEY, EXPIRES_AT BIGINT NOT NULL)");
        // The purge looks rows up by expiry; without this it read the whole table once a minute on every node.
        jdbc.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_EXPIRES ON " + TABLE + " (EXPIRES_AT)");
    }

    /**
     * Records a token id until {@code forgetAfter}.
     *
     * @throws AuthenticationFailure if another node (or this one) accepted the id and it has not expired
     * @throws ReplayCheckUnavailable if the database could not be asked: a replay must not pass because the check
     *     could not be made
     */
    @Override
    public void record(String issuer, String jti, Instant forgetAfter) {
        long now = clock.millis();
        String key = key(issuer, jti);
        try {
            purgeIfDue(now);
            try {
                jdbc.update("INSERT INTO " + TABLE + " (TOKEN_KEY, EXPIRES_AT) VALUES (?, ?)", key,
                        forgetAfter.toEpochMilli());
                return;
            } catch (DuplicateKeyException seenBefore) {
                // Taken again only when the earlier row has expired and is not yet purged.
                int reused = jdbc.update("UPDATE " + TABLE + " SET EXPIRES_AT = ? WHERE TOKEN_KEY = ?"
                        + " AND EXPIRES_AT <= ?", forgetAfter.toEpochMilli(), key, now);
                if (reused == 1) {
                    return;
                }
            }
        } catch (DataAccessException e) {
            throw new ReplayCheckUnavailable("the token could not be checked for replay (the database did not answer);"
                    + " try again shortly");
        }
        throw new AuthenticationFailure("token replayed: jti '" + jti + "' was already used");
    }

    private void purgeIfDue(long now) {
        long due = nextPurge.get();
        if (now >= due && nextPurge.compareAndSet(due, now + PURGE_EVERY.toMillis())) {
            jdbc.update("DELETE FROM " + TABLE + " WHERE EXPIRES_AT <= ?", now);
        }
    }

    int size() {
        Integer rows = jdbc.queryForObject("SELECT COUNT(*) FROM " + TABLE, Integer.class);
        return rows == null ? 0 : rows;
    }

    /** Issuer and id hashed: both are the client's choice and of any length. */
    private static String key(String issuer, String jti) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((issuer + "\u0000" + jti).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
