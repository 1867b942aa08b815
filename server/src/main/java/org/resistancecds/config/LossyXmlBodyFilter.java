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
 * transaction's entries no validator saw them); and a body that is not UTF-8, whose other bytes HAPI stored as U+FFFD.
 * These are the XML forms of what {@link LossyJsonBodyFilter} refuses in JSON. The body is read as a stream of
 * events, without entities or a DTD; any other fault is left for HAPI.
 */
public class LossyXmlBodyFilter extends OncePerRequestFilter {

    private static final String FHIR_NAMESPACE = "http://hl7.org/fhir";
    private static final Set<String> EXTENSIONS = Set.of("extension", "modifierExtension");

    /** No DTD, no entities; no limit on an attribute's length beyond the body's (a Binary's data, a photo). */
    private static final XMLInputFactory READERS = readers();

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
        byte[] body = request.getInputStream().readAllBytes();
        String fault = firstLoss(body);
        if (fault != null) {
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_BAD_REQUEST, fault);
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    /** What in the FHIR XML body would be lost, said for the client, or {@code null} when nothing would. */
    static String firstLoss(byte[] body) {
        // HAPI reads XML as UTF-8 whatever the body declares, and stored U+FFFD for other bytes (Latin-1 text).
        int badByte = LossyJsonBodyFilter.invalidUtf8At(body);
        if (badByte >= 0) {
            return "The body is not valid UTF-8 (bytes at offset " + badByte + " are no UTF-8 sequence). This "
                    + "server reads FHIR XML as UTF-8 (UTF-16 with its byte-order mark also): send the text in UTF-8. "
                    + "Nothing was stored.";
        }
        Deque<OpenElement> open = new ArrayDeque<>();
        try {
            XMLStreamReader reader = READERS.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        if (!open.isEmpty()) {
                            open.peek().sawChild(reader.getLocalName());
                        }
                        open.push(new OpenElement(reader));
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

        private final boolean fhir;
        private final String name;
        private final boolean hasValue;
        private final String where;
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
