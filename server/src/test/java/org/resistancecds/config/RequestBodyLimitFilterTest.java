package org.resistancecds.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RequestBodyLimitFilterTest {

    private static final long MB = 1L << 20;
    private static final byte[] PATIENT = "{\"resourceType\":\"Patient\"}".getBytes(UTF_8);

    /** The clock the uploads read: each read of it moves it on by {@link #tick}. */
    private final AtomicLong nanos = new AtomicLong();
    private long tick = 0;
    private final BodyUploads uploads = new BodyUploads(1, 1000, Duration.ofSeconds(10), () -> nanos.addAndGet(tick));
    private final RequestBodyLimitFilter filter = new RequestBodyLimitFilter(FhirContext.forR4Cached(), MB, uploads);
    private final List<String> handed = new ArrayList<>();
    private final FilterChain servlet = (request, response) ->
            handed.add(new String(request.getInputStream().readAllBytes(), UTF_8));

    @Test
    void unsetTheLimitIsASixteenthOfTheHeapAboveWhatAnIdleServerHolds() {
        assertThat(RequestBodyLimitFilter.limit(0, 512 * MB)).isEqualTo(8 * MB);
        assertThat(RequestBodyLimitFilter.limit(0, 1024 * MB)).isEqualTo(40 * MB);
    }

    @Test
    void theDerivedLimitStaysBetweenOneAndSixtyFourMegabytes() {
        assertThat(RequestBodyLimitFilter.limit(0, 256 * MB)).isEqualTo(MB);
        assertThat(RequestBodyLimitFilter.limit(0, 400 * MB)).isEqualTo(MB);
        assertThat(RequestBodyLimitFilter.limit(0, 8192 * MB)).isEqualTo(64 * MB);
    }

    @Test
    void aConfiguredLimitIsTakenAsItIs() {
        assertThat(RequestBodyLimitFilter.limit(200 * MB, 512 * MB)).isEqualTo(200 * MB);
        assertThat(RequestBodyLimitFilter.limit(1000, 8192 * MB)).isEqualTo(1000);
    }

    @Test
    void aBodyComingSlowerThanTheRateAfterTheGraceIsA408AndGoesNoFurther() throws Exception {
        tick = 2_000_000_000L; // two seconds pass between reads of one byte each: 0.5 bytes/s against 1000

        MockHttpServletResponse response = send(byteByByte(PATIENT));

        assertThat(response.getStatus()).isEqualTo(408);
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        assertThat(response.getContentAsString()).contains("OperationOutcome", "resistance.http.min-upload-rate");
        assertThat(handed).isEmpty();
        assertThat(uploads.tryStart("127.0.0.1")).as("the slot is given back").isTrue();
    }

    @Test
    void aBodyComingSlowlyWithinTheGraceOrAtTheRateIsHandedOnWhole() throws Exception {
        tick = 100_000_000L; // a byte every 0.1 s: the 26 bytes take 2.6 s, within the grace

        assertThat(send(byteByByte(PATIENT)).getStatus()).isEqualTo(200);
        tick = 500_000L; // 2,000 bytes/s, past the grace after 20,000 reads
        byte[] padded = new byte[30_000];
        Arrays.fill(padded, (byte) ' ');
        System.arraycopy(PATIENT, 0, padded, 0, PATIENT.length);
        assertThat(send(byteByByte(padded)).getStatus()).isEqualTo(200);

        assertThat(handed).containsExactly(new String(PATIENT, UTF_8), new String(padded, UTF_8));
    }

    @Test
    void aBodyFindingEveryUploadSlotTakenIsA503WithRetryAfter() throws Exception {
        List<MockHttpServletResponse> nested = new ArrayList<>();
        InputStream firstBody = new ByteArrayInputStream(PATIENT) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (nested.isEmpty()) { // while the first body is still coming, a second client sends one
                    try {
                        nested.add(send(new ByteArrayInputStream(PATIENT)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return super.read(b, off, len);
            }
        };

        assertThat(send(firstBody).getStatus()).isEqualTo(200);

        assertThat(nested).hasSize(1);
        assertThat(nested.get(0).getStatus()).isEqualTo(503);
        assertThat(nested.get(0).getHeader("Retry-After")).isEqualTo("10");
        assertThat(nested.get(0).getContentAsString()).contains("resistance.http.max-uploads");
        assertThat(handed).hasSize(1);
        assertThat(send(new ByteArrayInputStream(PATIENT)).getStatus()).as("the slot is back").isEqualTo(200);
    }

    @Test
    void oneClientTakesAQuarterOfTheUploadSlotsAtMostAndTheOthersKeepTheRest() {
        BodyUploads forty = new BodyUploads(40, 1000, Duration.ofSeconds(10), System::nanoTime);

        for (int i = 0; i < 10; i++) {
            assertThat(forty.tryStart("10.0.0.1")).isTrue();
        }
        assertThat(forty.tryStart("10.0.0.1")).as("an eleventh of 40 from one client").isFalse();
        for (int i = 0; i < 30; i++) {
            assertThat(forty.tryStart("10.0.0." + (2 + i % 3))).as("the refusal kept no slot").isTrue();
        }
        assertThat(forty.tryStart("10.0.0.9")).as("all 40 taken").isFalse();
        forty.finish("10.0.0.1");
        assertThat(forty.tryStart("10.0.0.1")).as("its slot is back").isTrue();
    }

    @Test
    void aSmallPoolIsNotSplitBelowEightPerClient() {
        assertThat(new BodyUploads(6, 1000, Duration.ofSeconds(10), System::nanoTime).slotsPerClient()).isEqualTo(6);
        assertThat(new BodyUploads(20, 1000, Duration.ofSeconds(10), System::nanoTime).slotsPerClient()).isEqualTo(8);
        assertThat(new BodyUploads(150, 1000, Duration.ofSeconds(10), System::nanoTime).slotsPerClient())
                .isEqualTo(37);
    }

    @Test
    void uploadSlotsAreThreeQuartersOfTheWorkerThreadsUnlessSet() {
        assertThat(BodyUploads.slots(0, 200)).isEqualTo(150);
        assertThat(BodyUploads.slots(0, 1)).isEqualTo(1);
        assertThat(BodyUploads.slots(7, 200)).isEqualTo(7);
    }

    private MockHttpServletResponse send(InputStream body) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/fhir/Patient") {
            @Override
            public ServletInputStream getInputStream() {
                return servletStream(body);
            }
        };
        request.setContentType("application/fhir+json");
        request.addHeader("Transfer-Encoding", "chunked");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, servlet);
        return response;
    }

    /** A client whose bytes come one at a time. */
    private static InputStream byteByByte(byte[] body) {
        return new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(1, len));
            }
        };
    }

    private static ServletInputStream servletStream(InputStream in) {
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {}
        };
    }
}
