package org.resistancecds.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reading percent-encoded text that may not be valid percent-encoding. */
public final class PercentEncoding {

    private PercentEncoding() {}

    /** The text decoded, or as written when it holds a {@code %} that is no escape: the caller's own check decides. */
    public static String decodedOrAsWritten(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return text;
        }
    }
}
