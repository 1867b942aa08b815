package org.resistancecds.config;

import ca.uhn.fhir.util.UrlUtil;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A form request (POST {@code _search}) whose body was read once, up front: its parameters and the URL's, and the
 * body to read again. The servlet container reads a form body at the first parameter lookup, which the request
 * checks make; HAPI, which reads the body itself when the URL has a query too, then found it empty and searched
 * with the URL's parameters alone: {@code _search?_summary=count} with {@code code=x} counted every Observation.
 */
final class FormBodyRequest extends BufferedBodyRequest {

    static final String FORM = "application/x-www-form-urlencoded";

    private final Map<String, String[]> parameters;

    private FormBodyRequest(HttpServletRequest request, byte[] body) {
        super(request, body);
        String[] queries = Stream.of(request.getQueryString(), new String(body, StandardCharsets.UTF_8))
                .filter(query -> query != null && !query.isEmpty())
                .toArray(String[]::new);
        this.parameters = Collections.unmodifiableMap(UrlUtil.parseQueryStrings(queries));
    }

    static boolean isForm(HttpServletRequest request) {
        String type = request.getContentType();
        return "POST".equals(request.getMethod()) && type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM);
    }

    /** The request with its body, already read and within the size limit. */
    static FormBodyRequest of(HttpServletRequest request, byte[] body) {
        return new FormBodyRequest(request, body);
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return parameters;
    }

    @Override
    public String getParameter(String name) {
        String[] values = parameters.get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        return parameters.get(name);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters.keySet());
    }
}
