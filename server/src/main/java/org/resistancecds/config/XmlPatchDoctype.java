package org.resistancecds.config;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.io.StringReader;
import java.util.Locale;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * An XML Patch with a document type declaration is refused (400) before any parser that would read it: HAPI's XML
 * Patch library resolved external entities, so {@code <!ENTITY x SYSTEM "file:///etc/passwd">} put a server file into
 * the patched resource (or into an error message) and an http entity made the server fetch a URL. A patch needs no
 * DTD; resource bodies were already refused one by HAPI's own XML parser.
 */
final class XmlPatchDoctype {

    private XmlPatchDoctype() {}

    static void refuseIn(String patch) {
        if (patch == null || !patch.contains("<!")) {
            return;
        }
        try {
            // Reports the DTD as an event without reading it, and resolves no entity.
            XMLStreamReader reader = LossyXmlBodyFilter.READERS.createXMLStreamReader(new StringReader(patch));
            try {
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.DTD) {
                        throw refused();
                    }
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        return; // a DTD can come only before the root element
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException malformed) {
            // Not XML: the patch's own application says so, unless a DOCTYPE is what the reader stumbled on.
            if (patch.toUpperCase(Locale.ROOT).contains("<!DOCTYPE")) {
                throw refused();
            }
        }
    }

    private static InvalidRequestException refused() {
        return new InvalidRequestException("The XML Patch has a document type declaration (<!DOCTYPE ...>); this "
                + "server takes none in a patch, and resolves no entity. Nothing was changed.");
    }
}
