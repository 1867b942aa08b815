package org.resistancecds.security;

/** The text of a quoted {@code error_description} in a {@code WWW-Authenticate} challenge (RFC 6750). */
public final class ChallengeText {

    private ChallengeText() {
    }

    /**
     * Printable ASCII only, other characters as {@code ?}. The reason can quote the token (its issuer, key id),
     * and Tomcat silently drops a header holding a character beyond Latin-1, which left the 401 without its
     * challenge; quotes, backslashes and line breaks would end or escape the quoted string.
     */
    public static String of(String reason) {
        StringBuilder text = new StringBuilder(reason.length());
        reason.codePoints().forEach(c -> text.append(c == '"' ? '\'' : c >= 0x20 && c < 0x7f && c != '\\' ? (char) c : '?'));
        return text.toString();
    }
}
