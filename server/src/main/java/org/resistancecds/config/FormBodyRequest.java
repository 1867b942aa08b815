package org.resistancecds.config;

import ca.uhn.fhir.util.UrlUtil;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A form request (POST {@code _search}) whose body is read once, up front: handed on with its parameters and the
 * URL's, and the body to read again. The servlet container reads a form body at the first parameter lookup, which
 * the request checks make; HAPI, which reads the body itself when the URL has a query too, then found it empty and
 * searched with the URL's parameters alone: {@code _search?_summary=count} with {@code code=x} counted every
 * Observation. The container also dropped every parameter of a form over 2 MB without a word.
 */
final class FormBodyRequest {

    static final String FORM = "application/x-www-form-urlencoded";

    private FormBodyRequest() {}

    static boolean isForm(HttpServletRequest request) {
        String type = request.getContentType();
        return "POST".equals(request.getMethod()) && type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM);
    }

    /** The request with its body, already read and within the size limit, and the URL's and the body's parameters. */
    static BufferedBodyRequest of(HttpServletRequest request, byte[] body) {
        String[] queries = Stream.of(request.getQueryString(), new String(body, StandardCharsets.UTF_8))
                .filter(query -> query != null && !query.isEmpty())
                .toArray(String[]::new);
        return new BufferedBodyRequest(request, body, UrlUtil.parseQueryStrings(queries));
    }
}
