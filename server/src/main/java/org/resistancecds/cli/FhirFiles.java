package org.resistancecds.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Reads a FHIR resource from a file, JSON or XML by its first character, with HAPI's strict parser. */
final class FhirFiles {

    private FhirFiles() {}

    /**
     * The file's text; an IOException means it could not be read at all (a usage error, not an invalid file), and
     * its message says why (the JDK's for a missing file is only the file's name again).
     */
    static String read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Why a file could not be read, without its name again (the caller names it). */
    static String reason(Exception e) {
        return e instanceof FileSystemException fileSystem && fileSystem.getReason() != null
                ? fileSystem.getReason()
                : e.getMessage();
    }

    /** Parses the text; throws HAPI's DataFormatException with the parser's message when it is not FHIR. */
    static IBaseResource parse(FhirContext fhirContext, String text) {
        String trimmed = text.stripLeading();
        IParser parser = trimmed.startsWith("<") ? fhirContext.newXmlParser() : fhirContext.newJsonParser();
        parser.setParserErrorHandler(new StrictErrorHandler());
        return parser.parseResource(text);
    }
}
