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
 * Refuses (400) a JSON body HAPI would read with a loss, before anything is stored:
 * <ul>
 *   <li>one that names a key twice in one object ({@code "birthDate"} twice in a Patient): HAPI's JSON parser keeps
 *       the last value and drops the other without a word, before its lossless parsing handler walks the tree;</li>
 *   <li>one that is not valid UTF-8 (a Latin-1 "é" sent as a single byte): HAPI stored U+FFFD in its place, so the
 *       client's text was changed without notice.</li>
 * </ul>
 * The body is scanned as a token stream, which costs far less than the parse that follows; any other syntax fault
 * is left for HAPI to report.
 */
public class LossyJsonBodyFilter extends OncePerRequestFilter {

    private static final JsonFactory STRICT =
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final FhirContext fhirContext;

    public LossyJsonBodyFilter(FhirContext fhirContext) {
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
        String fault = firstLoss(body);
        if (fault != null) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST, fault);
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    /** What in the body would be lost, said for the client, or {@code null} when nothing would. */
    static String firstLoss(byte[] body) throws IOException {
        try (JsonParser parser = STRICT.createParser(body)) {
            while (parser.nextToken() != null) {
                // Only the scan matters: the parser throws at a repeated key or a byte that is no UTF-8.
            }
            return null;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message == null) {
                return null;
            }
            if (message.startsWith("Duplicate field")) {
                return message + at(e) + ". A JSON object names each element once; send repeated values as one array. "
                        + "Nothing was stored.";
            }
            if (message.startsWith("Invalid UTF-8")) {
                return "The body is not valid UTF-8 (" + message + at(e) + "). FHIR JSON is UTF-8: send the text in "
                        + "that encoding. Nothing was stored.";
            }
            return null;
        }
    }

    private static String at(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
