package org.resistancecds.cds.cards;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Stable card and suggestion ids: name-based (RFC 4122 version 5) UUIDs over inputs that do not change from
 * one call to the next (hook, patient, what the card is about), so feedback on a card shown yesterday still
 * names the same card today.
 */
public final class CardIds {

    private CardIds() {}

    public static String of(String... parts) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
        ByteBuffer namespace = ByteBuffer.allocate(16)
                .putLong(CardCodes.UUID_NAMESPACE.getMostSignificantBits())
                .putLong(CardCodes.UUID_NAMESPACE.getLeastSignificantBits());
        sha1.update(namespace.array());
        // A separator that cannot occur in ids keeps ("a|b", "c") apart from ("a", "b|c").
        sha1.update(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
        byte[] hash = sha1.digest();
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong()).toString();
    }
}
