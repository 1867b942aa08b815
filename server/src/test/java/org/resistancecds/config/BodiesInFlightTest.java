package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class BodiesInFlightTest {

    private final BodiesInFlight filter =
            new BodiesInFlight(FhirContext.forR4Cached(), 10 * 1024, Duration.ofMillis(50));
    private final List<Integer> nested = new ArrayList<>();

    @Test
    void aBodyFindingNoRoomAmongThoseInFlightIsA503WithRetryAfter() throws Exception {
        // While an 8 KB body is handled, another 8 KB one does not fit in 10 KB; one without a body does.
        MockHttpServletResponse outer = send(8 * 1024, (request, response) -> {
            nested.add(send(8 * 1024, (r, s) -> { }).getStatus());
            nested.add(send(0, (r, s) -> { }).getStatus());
            nested.add(send(2 * 1024, (r, s) -> { }).getStatus());
        });

        assertThat(outer.getStatus()).isEqualTo(200);
        assertThat(nested).containsExactly(503, 200, 200);
        MockHttpServletResponse refused = send(8 * 1024, (request, response) ->
                assertThat(send(8 * 1024, (r, s) -> { }).getHeader("Retry-After")).isEqualTo("10"));
        assertThat(refused.getStatus()).isEqualTo(200);
    }

    @Test
    void theBudgetComesBackAndABodyLargerThanItRunsAlone() throws Exception {
        assertThat(send(8 * 1024, (r, s) -> { }).getStatus()).isEqualTo(200);
        assertThat(send(8 * 1024, (r, s) -> { }).getStatus()).as("the first one's share is back").isEqualTo(200);
        MockHttpServletResponse large = send(50 * 1024, (request, response) ->
                nested.add(send(1024, (r, s) -> { }).getStatus()));
        assertThat(large.getStatus()).isEqualTo(200);
        assertThat(nested).containsExactly(503);
    }

    @Test
    void sizedFromTheHeapUnlessConfigured() {
        assertThat(BodiesInFlight.budget(0, 1024L * 1024 * 1024)).isEqualTo(32L * 1024 * 1024);
        assertThat(BodiesInFlight.budget(5_000_000, 1024L * 1024 * 1024)).isEqualTo(5_000_000);
    }

    private MockHttpServletResponse send(int bodyBytes, FilterChain handler)
            throws jakarta.servlet.ServletException, java.io.IOException {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/fhir/Patient");
        if (bodyBytes > 0) {
            request.setContent(new byte[bodyBytes]);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, handler);
        return response;
    }
}
