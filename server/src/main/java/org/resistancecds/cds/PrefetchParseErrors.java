package org.resistancecds.cds;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ScalarType;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ValueType;

/**
 * How an EHR's FHIR data is parsed for a CDS call: an element this version of FHIR does not define is skipped (the
 * EHR's business), but a value of the wrong JSON shape ({@code "entry": {}} where an array belongs, a string where a
 * CodeableConcept belongs), one that does not parse (a date, a code), or two values where one belongs, fails the
 * parse. HAPI's lenient parser dropped such values silently, and the service then decided on what was left: a
 * Bundle whose {@code entry} was an object read as a record without Observations, and changed the resistance status.
 */
public final class PrefetchParseErrors extends LenientErrorHandler {

    public PrefetchParseErrors() {
        super(false); // unknown elements would flood the log
        setErrorOnInvalidValue(true);
    }

    /**
     * A number written as a string ({@code "5"}) still reads as the number; an object where an array belongs does
     * not. A primitive's extensions ({@code "_given": [...]} without its {@code "given"}, seen in EHR data) are
     * dropped as before: they hold no value the service decides on.
     */
    @Override
    public void incorrectJsonType(IParseLocation location, String elementName, ValueType expected,
            ScalarType expectedScalar, ValueType found, ScalarType foundScalar) {
        if (expected == found || (elementName != null && elementName.startsWith("_"))) {
            return;
        }
        throw new DataFormatException(createIncorrectJsonTypeMessage(elementName, expected, expectedScalar, found,
                foundScalar) + where(location));
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String elementName) {
        throw new DataFormatException("'" + elementName + "' holds several values where FHIR R4 allows one"
                + where(location));
    }

    private static String where(IParseLocation location) {
        return location == null || location.getParentElementName() == null
                ? "" : " (in " + location.getParentElementName() + ")";
    }
}
