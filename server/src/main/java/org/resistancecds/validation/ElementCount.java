package org.resistancecds.validation;

import ca.uhn.fhir.rest.api.EncodingEnum;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringReader;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.resistancecds.config.LossyXmlBodyFilter;

/**
 * How many elements the validator will build from a resource's text: what its memory grows with (about 2 KB per
 * element, measured). JSON counts objects and values, XML elements, so {@code "family": "Smith"} and
 * {@code <family value="Smith"/>} count one each. A text that does not parse counts what was read before the fault.
 */
final class ElementCount {

    private static final JsonFactory JSON = JsonFactory.builder()
            // The body filters already bound nesting; the validator has read longer strings than Jackson's default.
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE).maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private ElementCount() {}

    static long of(String text, EncodingEnum encoding) {
        if (text == null) {
            return 0;
        }
        return encoding == EncodingEnum.XML ? inXml(text) : inJson(text);
    }

    private static long inJson(String text) {
        long count = 0;
        try (JsonParser parser = JSON.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_OBJECT || token.isScalarValue()) {
                    count++;
                }
            }
        } catch (IOException malformed) {
            // The validator reports it.
        }
        return count;
    }

    private static long inXml(String text) {
        long count = 0;
        try {
            XMLStreamReader reader = LossyXmlBodyFilter.READERS.createXMLStreamReader(new StringReader(text));
            try {
                while (reader.hasNext()) {
                    if (reader.next() == XMLStreamConstants.START_ELEMENT) {
                        count++;
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException malformed) {
            // The validator reports it.
        }
        return count;
    }
}
