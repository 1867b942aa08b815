package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a JSON body that names a key twice in one object ({@code "birthDate"} twice in a Patient) with 400.
 * HAPI's JSON parser keeps the last value and drops the other without a word, so one of two values a client sent
 * would be lost; the lossless parsing handler never sees it, because the duplicate is gone before HAPI walks the
 * tree. The body is scanned as a token stream, which costs far less than the parse that follows; any other syntax
 * fault is left for HAPI to report.
 */
public class DuplicateJsonKeyFilter extends OncePerRequestFilter {

    private static final JsonFactory STRICT =
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final FhirContext fhirContext;

    public DuplicateJsonKeyFilter(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readAllBytes();
        String duplicate = firstDuplicate(body);
        if (duplicate != null) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST, duplicate
                    + ". A JSON object names each element once; send repeated values as one array. Nothing was "
                    + "stored.");
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    /** The parser's description of the first repeated key, or {@code null} when there is none. */
    static String firstDuplicate(byte[] body) throws IOException {
        try (JsonParser parser = STRICT.createParser(body)) {
            while (parser.nextToken() != null) {
                // Only the scan matters: STRICT_DUPLICATE_DETECTION throws at the second occurrence.
            }
            return null;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field")) {
                return e.getLocation() == null ? message : message + " at line " + e.getLocation().getLineNr()
                        + ", column " + e.getLocation().getColumnNr();
            }
            return null;
        }
    }
}
