package org.resistancecds.config;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

/**
 * A request whose body a filter has already read, handed on with that body to read again, and with the parameters
 * the filter read, when it gives them (the container could no longer read a form's from the body).
 */
public class BufferedBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;
    private final Map<String, String[]> parameters;

    public BufferedBodyRequest(HttpServletRequest request, byte[] body) {
        this(request, body, null);
    }

    /** @param parameters every parameter of the request, or null for the container's */
    public BufferedBodyRequest(HttpServletRequest request, byte[] body, Map<String, String[]> parameters) {
        super(request);
        this.body = body;
        this.parameters = parameters == null ? null : Collections.unmodifiableMap(parameters);
    }

    /**
     * The request's body: the bytes an earlier filter buffered, without copying them, when every wrapper in between
     * leaves the body alone (does not override {@code getInputStream}); else read from the request. The body filter
     * reads every body first, and the filters after it that read it again (the JSON and XML checks, {@code $validate}
     * parameters) each held a second copy of up to the whole size limit.
     */
    public static byte[] bodyOf(HttpServletRequest request) throws IOException {
        ServletRequest current = request;
        while (current instanceof HttpServletRequestWrapper wrapper) {
            if (wrapper instanceof BufferedBodyRequest buffered) {
                return buffered.body;
            }
            if (replacesBody(wrapper)) {
                break;
            }
            current = wrapper.getRequest();
        }
        return request.getInputStream().readAllBytes();
    }

    private static boolean replacesBody(HttpServletRequestWrapper wrapper) {
        try {
            return wrapper.getClass().getMethod("getInputStream").getDeclaringClass() != ServletRequestWrapper.class
                    || wrapper.getClass().getMethod("getReader").getDeclaringClass() != ServletRequestWrapper.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return parameters == null ? super.getParameterMap() : parameters;
    }

    @Override
    public String getParameter(String name) {
        if (parameters == null) {
            return super.getParameter(name);
        }
        String[] values = parameters.get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        return parameters == null ? super.getParameterValues(name) : parameters.get(name);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return parameters == null ? super.getParameterNames() : Collections.enumeration(parameters.keySet());
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    @Override
    public BufferedReader getReader() {
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                getCharacterEncoding() == null ? StandardCharsets.UTF_8 : Charset.forName(getCharacterEncoding())));
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("synchronous reads only");
            }
        };
    }
}
