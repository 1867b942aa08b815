package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.ServletOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class DeferredFlushFilterTest {

    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/fhir/Observation");
    private final MockHttpServletResponse response = new MockHttpServletResponse();
    private final List<Boolean> committedAfterFlush = new ArrayList<>();

    @Test
    void writerFlushesReachTheResponseOnceAtTheEnd() throws Exception {
        new DeferredFlushFilter().doFilter(request, response, (req, res) -> {
            PrintWriter writer = res.getWriter();
            writer.write("{\"a\":1,");
            writer.flush();
            committedAfterFlush.add(res.isCommitted());
            writer.write("\"b\":2}");
            writer.flush();
            committedAfterFlush.add(res.isCommitted());
        });

        assertThat(committedAfterFlush).containsExactly(false, false);
        assertThat(response.isCommitted()).isTrue();
        assertThat(response.getContentAsString()).isEqualTo("{\"a\":1,\"b\":2}");
    }

    @Test
    void streamFlushesAreDeferredToo() throws Exception {
        new DeferredFlushFilter().doFilter(request, response, (req, res) -> {
            ServletOutputStream stream = res.getOutputStream();
            stream.write("gzip bytes".getBytes(StandardCharsets.UTF_8));
            stream.flush();
            committedAfterFlush.add(res.isCommitted());
        });

        assertThat(committedAfterFlush).containsExactly(false);
        assertThat(response.isCommitted()).isTrue();
        assertThat(response.getContentAsString()).isEqualTo("gzip bytes");
    }

    @Test
    void anExplicitFlushBufferStillCommits() throws Exception {
        new DeferredFlushFilter().doFilter(request, response, (req, res) -> {
            res.getWriter().write("partial");
            res.flushBuffer();
            committedAfterFlush.add(res.isCommitted());
        });

        assertThat(committedAfterFlush).containsExactly(true);
        assertThat(response.getContentAsString()).isEqualTo("partial");
    }

    @Test
    void afterAnExceptionTheResponseStaysUncommittedForTheErrorPage() {
        assertThatThrownBy(() -> new DeferredFlushFilter().doFilter(request, response, (req, res) -> {
            res.getWriter().write("{\"half\":");
            res.getWriter().flush();
            throw new IllegalStateException("encoding failed");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(response.isCommitted()).isFalse();
    }

    @Test
    void aResponseThatNeverFlushedIsLeftToTheContainer() throws Exception {
        new DeferredFlushFilter().doFilter(request, response, (req, res) -> res.getWriter().write("done"));

        assertThat(response.isCommitted()).isFalse();
        assertThat(response.getContentAsString()).isEqualTo("done");
    }
}
