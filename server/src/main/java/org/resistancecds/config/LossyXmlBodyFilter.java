package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Set;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.resistancecds.cds.CdsErrorBody;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses (400) a FHIR XML body HAPI would read with a loss, before anything is stored: an element with neither a
 * value nor child elements ({@code <gender/>}, FHIR's rule ele-1), and an extension with neither a value nor
 * extensions ({@code <extension url="..."/>}, ext-1), which HAPI dropped without a word, storing the rest (in a
 * transaction's entries no validator saw them); an attribute FHIR does not define, text inside a FHIR element, and an
 * element outside FHIR's namespace, dropped the same way; and a body that is not UTF-8, whose other bytes HAPI
 * stored as U+FFFD.
 * These are the XML forms of what {@link LossyJsonBodyFilter} refuses in JSON. The body is read as a stream of
 * events, without entities or a DTD; any other fault is left for HAPI.
 */
public class LossyXmlBodyFilter extends OncePerRequestFilter {

    private static final String FHIR_NAMESPACE = "http://hl7.org/fhir";
    private static final String XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml";
    private static final Set<String> EXTENSIONS = Set.of("extension", "modifierExtension");
    private static final Set<String> FHIR_ATTRIBUTES = Set.of("value", "id", "url");
    /** Elements nested deeper failed with a server fault (500) from 300 levels on; JSON's limit is twice this. */
    static final int MAX_DEPTH = LossyJsonBodyFilter.MAX_DEPTH / 2;

    /** No DTD, no entities; no limit on an attribute's length beyond the body's (a Binary's data, a photo). */
    /** Readers with no DTD and no external entities: for any XML from a client. */
    public static final XMLInputFactory READERS = readers();

    private final FhirContext fhirContext;

    public LossyXmlBodyFilter(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!FhirWriteBodies.isFhirWrite(request, EncodingEnum.XML)) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = withoutUtf8ByteOrderMark(BufferedBodyRequest.bodyOf(request));
        String fault = firstLoss(body);
        if (fault != null) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST, fault);
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    /** XML allows a UTF-8 byte-order mark; HAPI's validator refused it as content before the prolog (422). */
    static byte[] withoutUtf8ByteOrderMark(byte[] body) {
        boolean marked = body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB
                && (body[2] & 0xFF) == 0xBF;
        return marked ? Arrays.copyOfRange(body, 3, body.length) : body;
    }

    /** What in the FHIR XML body would be lost, said for the client, or {@code null} when nothing would. */
    static String firstLoss(byte[] body) {
        if (body.length >= 2 && ((body[0] & 0xFF) == 0xFE && (body[1] & 0xFF) == 0xFF
                || (body[0] & 0xFF) == 0xFF && (body[1] & 0xFF) == 0xFE || body[0] == 0 || body[1] == 0)) {
            // HAPI failed such a body with "Unexpected character ... in prolog", whatever its charset said.
            return "The body is UTF-16 (or another encoding with zero bytes); this server reads FHIR XML as UTF-8 "
                    + "only: send the text in UTF-8. Nothing was stored.";
        }
        // HAPI reads XML as UTF-8 whatever the body declares, and stored U+FFFD for other bytes (Latin-1 text).
        int badByte = LossyJsonBodyFilter.invalidUtf8At(body);
        if (badByte >= 0) {
            return "The body is not valid UTF-8 (bytes at offset " + badByte + " are no UTF-8 sequence). This "
                    + "server reads FHIR XML as UTF-8 only: send the text in UTF-8. Nothing was stored.";
        }
        Deque<OpenElement> open = new ArrayDeque<>();
        try {
            XMLStreamReader reader = READERS.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        if (open.size() >= MAX_DEPTH) {
                            return tooDeepAt(reader);
                        }
                        boolean inFhir = open.isEmpty() || open.peek().fhir;
                        String fault = inFhir ? notFhirXml(reader) : null;
                        if (fault != null) {
                            return fault;
                        }
                        if (!open.isEmpty()) {
                            open.peek().sawChild(reader.getLocalName());
                        }
                        open.push(new OpenElement(reader));
                    } else if ((event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA)
                            && !open.isEmpty() && open.peek().fhir && !reader.isWhiteSpace()
                            && !reader.getText().isBlank()) {
                        return "The body has text inside <" + open.peek().name + ">, at " + open.peek().where
                                + ": FHIR XML carries values in value attributes only (<" + open.peek().name
                                + " value=\"...\"/>), and the text would be dropped. Nothing was stored.";
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        String fault = open.pop().fault();
                        if (fault != null) {
                            return fault;
                        }
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException malformed) {
            // HAPI's parser reports it.
        }
        return null;
    }

    /**
     * Whether an XML body nests elements past {@link #MAX_DEPTH}, said for the client; {@code null} when it does not,
     * or does not parse. For bodies not otherwise checked here ({@code $validate}'s), whose validation failed with a
     * stack overflow (500) at such depths.
     */
    public static String tooDeep(byte[] body) {
        try {
            XMLStreamReader reader = READERS.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                int depth = 0;
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT && ++depth > MAX_DEPTH) {
                        return tooDeepAt(reader);
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException malformed) {
            // HAPI's parser reports it.
        }
        return null;
    }

    private static String tooDeepAt(XMLStreamReader reader) {
        return "The body nests elements more than " + MAX_DEPTH + " levels deep (at line "
                + reader.getLocation().getLineNumber() + "), deeper than any FHIR resource needs; the server cannot "
                + "validate it. Nothing was stored.";
    }

    /**
     * An element where FHIR's are expected (the root, or a child of a FHIR element) that HAPI would read with a loss:
     * outside FHIR's namespace (the narrative's XHTML div aside), or with an attribute FHIR does not define. HAPI
     * dropped both without a word inside a transaction's entries; alone, only the validator saw them (422).
     */
    private static String notFhirXml(XMLStreamReader reader) {
        String name = reader.getLocalName();
        String where = "line " + reader.getLocation().getLineNumber() + ", column "
                + reader.getLocation().getColumnNumber();
        if (!FHIR_NAMESPACE.equals(reader.getNamespaceURI())) {
            if ("div".equals(name) && XHTML_NAMESPACE.equals(reader.getNamespaceURI())) {
                return null;
            }
            return "The body has <" + name + "> at " + where + " outside the FHIR namespace (xmlns=\""
                    + FHIR_NAMESPACE + "\"), where a FHIR element belongs; it would be read as no FHIR at all. "
                    + "Nothing was stored.";
        }
        String value = reader.getAttributeValue(null, "value");
        if (value != null && value.isBlank()) {
            // HAPI reads it as no value and drops it (a family name of spaces left a Patient nameless).
            return "The body has <" + name + "> at " + where + " with a value of nothing but whitespace; FHIR reads it "
                    + "as no value: leave the element out, or give it text. Nothing was stored.";
        }
        for (int index = 0; index < reader.getAttributeCount(); index++) {
            String namespace = reader.getAttributeNamespace(index);
            String attribute = reader.getAttributeLocalName(index);
            // Attributes of other vocabularies (xsi:schemaLocation, xml:lang) are no FHIR data.
            if ((namespace == null || namespace.isEmpty()) && !FHIR_ATTRIBUTES.contains(attribute)) {
                return "The body has an attribute '" + attribute + "' on <" + name + "> at " + where + ", which FHIR "
                        + "does not define (FHIR XML has value, id and url only); it would be dropped. Nothing was "
                        + "stored.";
            }
        }
        return null;
    }

    private static XMLInputFactory readers() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        // Woodstox, the parser here, stops at 512 K characters per attribute by default; HAPI reads longer ones.
        if (factory.isPropertySupported("com.ctc.wstx.maxAttributeSize")) {
            factory.setProperty("com.ctc.wstx.maxAttributeSize", Integer.MAX_VALUE);
        }
        return factory;
    }

    /** An element whose end is not yet read: what it has had so far. */
    private static final class OpenElement {

        final boolean fhir;
        final String name;
        private final boolean hasValue;
        final String where;
        private boolean hasChild;
        private boolean extensionContent;

        OpenElement(XMLStreamReader reader) {
            fhir = FHIR_NAMESPACE.equals(reader.getNamespaceURI());
            name = reader.getLocalName();
            hasValue = reader.getAttributeValue(null, "value") != null;
            Location location = reader.getLocation();
            where = "line " + location.getLineNumber() + ", column " + location.getColumnNumber();
        }

        void sawChild(String childName) {
            hasChild = true;
            // A primitive value may come only as its extensions (<valueString><extension .../></valueString>).
            extensionContent |= childName.startsWith("value") || childName.equals("extension");
        }

        String fault() {
            // A resource (Patient, or a Bundle entry's) may be empty; the XHTML of a narrative is not FHIR's to judge.
            if (!fhir || Character.isUpperCase(name.charAt(0))) {
                return null;
            }
            if (EXTENSIONS.contains(name) && !extensionContent) {
                return "The body has an extension with neither a value nor extensions, at " + where
                        + " (FHIR's rule ext-1): give it a value[x] or leave it out. Nothing was stored.";
            }
            if (!hasValue && !hasChild) {
                return "The body has an element <" + name + "> with neither a value nor child elements, at " + where
                        + " (FHIR's rule ele-1): leave the element out. Nothing was stored.";
            }
            return null;
        }
    }
}
