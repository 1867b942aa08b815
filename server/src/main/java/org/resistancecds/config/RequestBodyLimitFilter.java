package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.resistancecds.cds.CdsErrorBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads every request body for the filters and servlets after it, refusing those above
 * {@link HttpLimitsProperties#maxRequestBody()} with 413 and an OperationOutcome, before any parsing. A declared
 * Content-Length is checked up front; a chunked body is read up to the limit (the parsers would hold it in memory
 * anyway) and refused as soon as it passes it. How many bodies are received at once, and how slowly, is bounded by
 * {@link BodyUploads}: 503 when all its slots are taken, 408 for a body that comes too slowly.
 * <p>
 * A gzip body ({@code Content-Encoding: gzip}) is unpacked here, and the limit counts the unpacked bytes: HAPI
 * unpacked it itself, with no limit, so 900 KB of gzip ran the heap out, and the checks after this filter read the
 * packed bytes and let a body that was not UTF-8 through. Other encodings are refused (415); HAPI ignored them.
 */
public class RequestBodyLimitFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(RequestBodyLimitFilter.class);

    /** What an idle server keeps on the heap: its definitions, caches and Spring's beans (about 360-380 MB). */
    private static final long HEAP_IN_USE_IDLE = 384L << 20;
    private static final long DERIVED_MAX = 64L << 20;
    private static final long DERIVED_MIN = 1L << 20;

    private final FhirContext fhirContext;
    private final long limit;
    private final BodyUploads uploads;
    private final ThrottledWarning busyWarnings = ThrottledWarning.tenSecondsApart(log::warn);
    private final ThrottledWarning slowWarnings = ThrottledWarning.tenSecondsApart(log::warn);

    public RequestBodyLimitFilter(FhirContext fhirContext, long limit, BodyUploads uploads) {
        this.fhirContext = fhirContext;
        this.limit = limit;
        this.uploads = uploads;
    }

    /** The filter with the configured limit, or the one derived from this JVM's heap; the limit is logged. */
    public static RequestBodyLimitFilter forHeap(FhirContext fhirContext, long configured, BodyUploads uploads) {
        long limit = limit(configured, Runtime.getRuntime().maxMemory());
        log.info("Request bodies are taken up to {} bytes ({}resistance.http.max-request-body), {} at once", limit,
                configured > 0 ? "" : "derived from the heap; set ", uploads.slots());
        return new RequestBodyLimitFilter(fhirContext, limit, uploads);
    }

    /**
     * {@code configured} bytes, or, when 0, a 16th of the heap above what an idle server holds, between 1 and 64 MB:
     * 8 MB with -Xmx512m, 40 MB with -Xmx1g, 64 MB from about -Xmx1400m. A body is parsed, stored and answered in
     * memory many times its size: with -Xmx512m a 15 MB transaction was stored and a 30 MB one ran the heap out (a
     * 500, and an OutOfMemoryError any other thread could have met instead); with -Xmx1g a 48 MB one was stored.
     */
    static long limit(long configured, long maxHeapBytes) {
        if (configured > 0) {
            return configured;
        }
        return Math.max(DERIVED_MIN, Math.min(DERIVED_MAX, (maxHeapBytes - HEAP_IN_USE_IDLE) / 16));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            refuse(request, response, declared + " bytes");
            return;
        }
        boolean sendsBody = declared > 0 || hasBody(request);
        boolean form = FormBodyRequest.isForm(request);
        if (!sendsBody && !form) {
            chain.doFilter(request, response);
            return;
        }
        String encoding = request.getHeader("Content-Encoding");
        boolean packed = sendsBody && encoding != null && !encoding.isBlank()
                && !encoding.strip().equalsIgnoreCase("identity");
        if (packed && refusedEncoding(request, response, encoding.strip())) {
            return;
        }
        String client = request.getRemoteAddr();
        if (!uploads.tryStart(client)) {
            refuseBusy(request, response);
            return;
        }
        byte[] body;
        try {
            InputStream in = uploads.paced(request.getInputStream());
            body = readAtMost(packed ? new GZIPInputStream(in) : in, limit);
        } catch (BodyUploads.TooSlow e) {
            refuseSlow(request, response, e);
            return;
        } catch (ZipException | EOFException e) {
            if (!packed) {
                throw e;
            }
            String why = e instanceof EOFException ? "the data ends early" : e.getMessage();
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST,
                    "The body is declared gzip (Content-Encoding) but is not complete gzip data: " + why + ".");
            return;
        } finally {
            uploads.finish(client);
        }
        if (body == null) {
            refuse(request, response, packed ? "a gzip body, unpacked," : "a chunked body");
            return;
        }
        chain.doFilter(packed ? new UnpackedBodyRequest(request, body)
                : form ? FormBodyRequest.of(request, body) : new BufferedBodyRequest(request, body), response);
    }

    /** True when the body's encoding is one this server does not unpack here, and the client has been told. */
    private boolean refusedEncoding(HttpServletRequest request, HttpServletResponse response, String encoding)
            throws IOException {
        if (!encoding.equalsIgnoreCase("gzip") && !encoding.equalsIgnoreCase("x-gzip")) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "Content-Encoding '" + encoding + "' is not supported: send the body as it is, or as gzip.");
            return true;
        }
        // A form's parameters are read by the servlet container from the body it was sent with, not from this one.
        String type = request.getContentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "A form body (a POST search) is taken uncompressed only: send it without Content-Encoding.");
            return true;
        }
        return false;
    }

    /**
     * The unpacked body, no longer declared gzip (so that HAPI does not unpack it again), with the headers of the
     * body as it is now: its length, and no transfer coding.
     */
    private static final class UnpackedBodyRequest extends BufferedBodyRequest {

        private static final Set<String> HIDDEN = Set.of("content-encoding", "transfer-encoding", "content-length");

        private final int length;

        UnpackedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request, body);
            this.length = body.length;
        }

        @Override
        public String getHeader(String name) {
            if ("content-length".equalsIgnoreCase(name)) {
                return String.valueOf(length);
            }
            return HIDDEN.contains(name.toLowerCase(Locale.ROOT)) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String value = getHeader(name);
            return value == null ? Collections.emptyEnumeration() : HIDDEN.contains(name.toLowerCase(Locale.ROOT))
                    ? Collections.enumeration(List.of(value)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !HIDDEN.contains(name.toLowerCase(Locale.ROOT))).toList());
            names.add("Content-Length");
            return Collections.enumeration(names);
        }
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getHeader("Transfer-Encoding") != null;
    }

    /**
     * The body, or {@code null} when it is longer than {@code max} bytes. Read in chunks joined once at the end: a
     * growing buffer copies itself at each doubling, which at the 64 MB limit took twice and three times the body's
     * size of heap.
     */
    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        while (true) {
            byte[] chunk = in.readNBytes(1024 * 1024);
            total += chunk.length;
            if (total > max) {
                return null;
            }
            if (chunk.length == 0) {
                break;
            }
            chunks.add(chunk);
        }
        byte[] body = new byte[(int) total];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, body, at, chunk.length);
            at += chunk.length;
        }
        return body;
    }

    private void refuseBusy(HttpServletRequest request, HttpServletResponse response) throws IOException {
        busyWarnings.warn("Refused " + request.getMethod() + " " + request.getRequestURI() + " from "
                + request.getRemoteAddr() + ": no upload slot free (" + uploads.slots() + " in all, "
                + uploads.slotsPerClient() + " per client)");
        response.setHeader("Retry-After", "10");
        response.setHeader("Connection", "close");
        CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                "The server is receiving as many request bodies at once as it takes (" + uploads.slots() + ", "
                        + uploads.slotsPerClient() + " from one client; setting resistance.http.max-uploads); "
                        + "nothing was done. Try again shortly.");
    }

    private void refuseSlow(HttpServletRequest request, HttpServletResponse response, BodyUploads.TooSlow slow)
            throws IOException {
        slowWarnings.warn("Refused " + request.getMethod() + " " + request.getRequestURI()
                + ": its body came too slowly (" + slow.getMessage() + ")");
        response.setHeader("Connection", "close");
        CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_REQUEST_TIMEOUT,
                "The request body came more slowly than " + uploads.minBytesPerSecond() + " bytes per second after the"
                        + " first " + uploads.grace().toSeconds() + " s (setting resistance.http.min-upload-rate); "
                        + "nothing was done.");
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String what) throws IOException {
        log.warn("Refused {} {}: {} is over the {}-byte limit", request.getMethod(), request.getRequestURI(),
                what, limit);
        String message = "The request body is larger than this server accepts (" + limit
                + " bytes; setting resistance.http.max-request-body). Split the Bundle into smaller transactions.";
        // The rest of the body is not read: tell the client the connection ends here.
        response.setHeader("Connection", "close");
        CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, message);
    }
}
