package org.resistancecds.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Defers the flushes that HAPI's JSON encoder asks of the response to the end of the response.
 *
 * <p>Why: HAPI 8.8.0 writes every primitive value through Jackson's {@code ObjectMapper.writeValue}, which flushes
 * the generator after each value, and the flush travels down to the servlet's writer. On Tomcat every such flush is
 * a chunked socket write: a search answer of 177 Observations became thousands of system calls, about a seventh of
 * the server's time. Here the response's writer and stream ignore {@code flush()}; the container's buffer still
 * sends whenever it fills, and the one flush asked for is done once, when the request has been handled.
 * {@code flushBuffer()} (an explicit request to commit) is passed on unchanged.
 */
public class DeferredFlushFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        DeferredFlushResponse deferred = new DeferredFlushResponse(response);
        chain.doFilter(request, deferred);
        // Not in a finally: after an exception the response must stay uncommitted for the container's error page.
        deferred.flushIfAsked();
    }

    private static final class DeferredFlushResponse extends HttpServletResponseWrapper {

        private PrintWriter writer;
        private ServletOutputStream stream;
        private boolean flushAsked;

        DeferredFlushResponse(HttpServletResponse response) {
            super(response);
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) {
                writer = new PrintWriter(new FilterWriter(super.getWriter()) {
                    @Override
                    public void flush() {
                        flushAsked = true;
                    }
                });
            }
            return writer;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                stream = new DeferredFlushStream(super.getOutputStream(), () -> flushAsked = true);
            }
            return stream;
        }

        void flushIfAsked() throws IOException {
            if (flushAsked) {
                getResponse().flushBuffer();
            }
        }
    }

    private static final class DeferredFlushStream extends ServletOutputStream {

        private final ServletOutputStream target;
        private final Runnable onFlush;

        DeferredFlushStream(ServletOutputStream target, Runnable onFlush) {
            this.target = target;
            this.onFlush = onFlush;
        }

        @Override
        public void write(int b) throws IOException {
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target.write(b, off, len);
        }

        @Override
        public void flush() {
            onFlush.run();
        }

        @Override
        public void close() throws IOException {
            target.close();
        }

        @Override
        public boolean isReady() {
            return target.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            target.setWriteListener(listener);
        }
    }
}
