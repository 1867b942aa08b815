package org.resistancecds.audit;

import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import org.resistancecds.config.PercentEncoding;

/**
 * Masks credentials a client put in a URL's query before the query is written to the audit log. Names are
 * compared as the server reads them, percent-decoded and in any case: {@code access%5Ftoken=...} is the
 * {@code access_token} parameter, and was written in clear by a pattern on the raw text.
 */
final class QueryMasking {

    private static final Set<String> SECRETS =
            Set.of("access_token", "client_secret", "refresh_token", "id_token", "client_assertion");

    private QueryMasking() {
    }

    static String mask(String query) {
        StringJoiner masked = new StringJoiner("&");
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            // A name that is no valid percent-encoding is compared as written: the server cannot read it as a
            // credential's name either.
            if (equals >= 0 && SECRETS.contains(
                    PercentEncoding.decodedOrAsWritten(pair.substring(0, equals)).strip().toLowerCase(Locale.ROOT))) {
                masked.add(pair.substring(0, equals) + "=***");
            } else {
                masked.add(pair);
            }
        }
        return masked.toString();
    }
}
