package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses (400) a JSON body HAPI would read with a loss, before anything is stored:
 * <ul>
 *   <li>one that names a key twice in one object ({@code "birthDate"} twice in a Patient): HAPI's JSON parser keeps
 *       the last value and drops the other without a word, before its lossless parsing handler walks the tree;</li>
 *   <li>one that is not valid UTF-8 (a Latin-1 "é" sent as a single byte, an encoded surrogate, an overlong form)
 *       and declares no other encoding: HAPI stored U+FFFD in its place, so the client's text was changed without
 *       notice;</li>
 *   <li>one with an escape of half a UTF-16 surrogate pair (U+D800 without its low half): no UTF-8 text can hold
 *       it, and HAPI failed with a 500 while indexing the string;</li>
 *   <li>a FHIR resource to store or act on with an empty object or array, or a null outside an array: HAPI
 *       dropped them, and in a transaction's entries no validator saw them; so too an extension with neither a value
 *       nor extensions.</li>
 * </ul>
 * A Binary's raw content in a JSON media type of its own is not checked: it is stored as sent.
 * The body is scanned as a token stream, which costs far less than the parse that follows; any other syntax fault
 * is left for HAPI to report.
 */
public class LossyJsonBodyFilter extends OncePerRequestFilter {

    /**
     * Deepest nesting of arrays and objects taken. HAPI's validator stops at 255 levels and the encoders at 1,000,
     * both with a server fault (500); extensions nested 130 deep already passed 255 in JSON.
     */
    static final int MAX_DEPTH = 200;

    private static final Set<String> EXTENSION_ARRAYS = Set.of("extension", "modifierExtension");
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
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")
                || FhirWriteBodies.isRawBinary(request)) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = BufferedBodyRequest.bodyOf(request);
        String charset = request.getCharacterEncoding();
        // A body that declares another encoding is read in it, without loss; only UTF-8 is checked for bytes.
        boolean utf8 = charset == null || charset.equalsIgnoreCase("UTF-8") || charset.equalsIgnoreCase("UTF8");
        String fault = firstLoss(body, utf8, FhirWriteBodies.isFhirWrite(request, EncodingEnum.JSON),
                FhirWriteBodies.isToFhir(request));
        if (fault != null) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST, fault);
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    /** What in the body would be lost, said for the client, or {@code null} when nothing would. */
    static String firstLoss(byte[] body, boolean utf8) throws IOException {
        return firstLoss(body, utf8, false);
    }

    /**
     * As {@link #firstLoss(byte[], boolean)}; with {@code fhir}, an empty object or array, or a null that is not an
     * array's item, is a loss too: FHIR JSON has none, and HAPI drops them without a word where no validator reads the
     * JSON as sent (a transaction's entries).
     */
    static String firstLoss(byte[] body, boolean utf8, boolean fhir) throws IOException {
        return firstLoss(body, utf8, fhir, fhir);
    }

    /** With {@code limitDepth} (any body sent to /fhir, $validate's too), nesting past {@link #MAX_DEPTH} as well. */
    static String firstLoss(byte[] body, boolean utf8, boolean fhir, boolean limitDepth) throws IOException {
        try (JsonParser parser = STRICT.createParser(body)) {
            // The parser throws at a repeated key or a byte that is no UTF-8; escapes are checked here, in a body
            // read as UTF-8 (an encoded surrogate, which the parser also lets through, is reported as bytes below).
            String loneSurrogate = null;
            String empty = null;
            JsonToken previous = null;
            ValuelessExtensions extensions = new ValuelessExtensions();
            for (JsonToken token = parser.nextToken(); token != null; previous = token, token = parser.nextToken()) {
                if (limitDepth && parser.getParsingContext().getNestingDepth() > MAX_DEPTH) {
                    return "The body nests arrays and objects more than " + MAX_DEPTH + " levels deep (at line "
                            + parser.getTokenLocation().getLineNr() + "), deeper than any FHIR resource needs; the "
                            + "validator cannot read it. Nothing was stored.";
                }
                if (fhir && empty == null) {
                    empty = emptyElement(parser, token, previous);
                }
                if (fhir && empty == null) {
                    empty = extensions.see(parser, token);
                }
                if (utf8 && loneSurrogate == null && (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME)
                        && hasLoneSurrogate(parser)) {
                    loneSurrogate = "The body has a \\u escape of half a UTF-16 surrogate pair without its other "
                            + "half, at line " + parser.getTokenLocation().getLineNr() + ", column "
                            + parser.getTokenLocation().getColumnNr() + ". No Unicode text holds it: send the "
                            + "character itself or both halves of its pair. Nothing was stored.";
                }
            }
            int badByte = utf8 ? invalidUtf8At(body) : -1;
            String bytes = badByte < 0 ? null : "The body is not valid UTF-8 (bytes at offset " + badByte
                    + " are no UTF-8 sequence). FHIR JSON is UTF-8: send the text in that encoding. Nothing was stored.";
            return bytes != null ? bytes : loneSurrogate != null ? loneSurrogate : empty;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message == null) {
                return null;
            }
            if (message.startsWith("Duplicate field")) {
                return message + at(e) + ". A JSON object names each element once; send repeated values as one array. "
                        + "Nothing was stored.";
            }
            if (utf8 && message.startsWith("Invalid UTF-8")) {
                return "The body is not valid UTF-8 (" + message + at(e) + "). FHIR JSON is UTF-8: send the text in "
                        + "that encoding. Nothing was stored.";
            }
            return null;
        }
    }

    /** Called for every token of a FHIR write: the location text is built only for a fault. */
    private static String emptyElement(JsonParser parser, JsonToken token, JsonToken previous) throws IOException {
        if (token == JsonToken.VALUE_STRING && parser.getText().isBlank()) {
            // HAPI reads a blank string as no value and drops it (a family name of spaces left a Patient nameless).
            return "The body has a string with no characters but whitespace" + where(parser) + ". FHIR reads it as no "
                    + "value: leave the element out, or give it text. Nothing was stored.";
        }
        String what = token == JsonToken.END_OBJECT && previous == JsonToken.START_OBJECT ? "an empty object"
                : token == JsonToken.END_ARRAY && previous == JsonToken.START_ARRAY ? "an empty array"
                : token == JsonToken.VALUE_NULL && parser.getParsingContext().inObject() ? "null"
                : null;
        if (what == null) {
            return null;
        }
        return "The body has " + what + where(parser) + ". FHIR JSON has no empty objects or arrays and no null "
                + "values outside arrays: leave the element out. Nothing was stored.";
    }

    private static String where(JsonParser parser) {
        return " at line " + parser.getTokenLocation().getLineNr() + ", column "
                + parser.getTokenLocation().getColumnNr();
    }

    /**
     * An extension with neither a value nor extensions of its own (FHIR's ext-1): HAPI drops it, and in a
     * transaction's entries no validator saw it, so the client's extension was lost without a word.
     */
    private static final class ValuelessExtensions {

        /** What an open object is, as far as ext-1 goes. */
        private enum Open { OTHER, EXTENSION_SO_FAR_EMPTY, EXTENSION_WITH_CONTENT }

        private final Deque<Open> objects = new ArrayDeque<>();

        String see(JsonParser parser, JsonToken token) throws IOException {
            if (token == JsonToken.START_OBJECT) {
                JsonStreamContext array = parser.getParsingContext().getParent();
                // A body that is an array has no name above it (Set.of's contains(null) throws: a 500).
                String arrayName = array != null && array.inArray() && array.getParent() != null
                        ? array.getParent().getCurrentName() : null;
                boolean extension = arrayName != null && EXTENSION_ARRAYS.contains(arrayName);
                objects.push(extension ? Open.EXTENSION_SO_FAR_EMPTY : Open.OTHER);
            } else if (token == JsonToken.FIELD_NAME && objects.peek() == Open.EXTENSION_SO_FAR_EMPTY) {
                String name = parser.getCurrentName();
                // A primitive value may come only as its extensions ("_valueString"), which meets ext-1 too.
                if (name.startsWith("value") || name.startsWith("_value") || name.equals("extension")) {
                    objects.pop();
                    objects.push(Open.EXTENSION_WITH_CONTENT);
                }
            } else if (token == JsonToken.END_OBJECT && objects.pop() == Open.EXTENSION_SO_FAR_EMPTY) {
                return "The body has an extension with neither a value nor extensions, ending at line "
                        + parser.getTokenLocation().getLineNr() + ", column "
                        + parser.getTokenLocation().getColumnNr() + " (FHIR's rule ext-1): give it a value[x] or "
                        + "leave it out. Nothing was stored.";
            }
            return null;
        }
    }

    /** A high surrogate not followed by a low one, or a low one not after a high one: only an escape makes one. */
    private static boolean hasLoneSurrogate(JsonParser parser) throws IOException {
        char[] text = parser.getTextCharacters();
        int end = parser.getTextOffset() + parser.getTextLength();
        for (int i = parser.getTextOffset(); i < end; i++) {
            if (Character.isHighSurrogate(text[i]) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
                i++;
            } else if (Character.isSurrogate(text[i])) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the body's first byte sequence that UTF-8 forbids starts (an encoded surrogate, an overlong form, a Latin-1
     * byte), or -1 when there is none. A UTF-16 or UTF-32 body (a byte-order mark, or zero bytes among the first
     * four, as the first characters of JSON and XML are ASCII) is left to the parser, which reads those.
     */
    static int invalidUtf8At(byte[] body) {
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0 || (body[i] & 0xFF) == 0xFE || (body[i] & 0xFF) == 0xFF) {
                return -1;
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                return -1;
            }
            out.clear();
        }
    }

    private static String at(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
