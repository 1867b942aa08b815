package org.resistancecds.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Reads a FHIR resource from a file, JSON or XML by its first character, with HAPI's strict parser. */
final class FhirFiles {

    private FhirFiles() {}

    /** The file's text; an IOException means it could not be read at all (a usage error, not an invalid file). */
    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Parses the text; throws HAPI's DataFormatException with the parser's message when it is not FHIR. */
    static IBaseResource parse(FhirContext fhirContext, String text) {
        String trimmed = text.stripLeading();
        IParser parser = trimmed.startsWith("<") ? fhirContext.newXmlParser() : fhirContext.newJsonParser();
        parser.setParserErrorHandler(new StrictErrorHandler());
        return parser.parseResource(text);
    }
}
