package org.resistancecds.validation;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.LenientErrorHandler;

/**
 * HAPI's default parsing, except where it would lose data: an element FHIR R4 does not define, or a second value
 * where only one is allowed, is an error instead of being dropped with a log line. HAPI would store the rest, and
 * in a transaction entry no validator sees what was dropped, so the client would never learn its data was lost.
 * HAPI answers a parse error with 400 and an OperationOutcome.
 */
public class LosslessParsingErrorHandler extends LenientErrorHandler {

    @Override
    public void unknownElement(IParseLocation location, String elementName) {
        throw new DataFormatException("Unknown element '" + elementName
                + "': FHIR R4 does not define it, and this server does not drop data it was sent.");
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String elementName) {
        throw new DataFormatException(
                "Element '" + elementName + "' has more than one value, but FHIR R4 allows only one.");
    }
}
