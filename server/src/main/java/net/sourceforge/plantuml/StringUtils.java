package net.sourceforge.plantuml;

/**
 * Stands in for the one PlantUML method HAPI FHIR 8.8.0 calls: its FHIRPath Patch path parser
 * ({@code ca.uhn.fhir.jpa.patch.ParsedFhirPath}) imports {@code isNotEmpty} from PlantUML's StringUtils rather than
 * from Commons Lang. PlantUML (17 MB, a diagram tool) is left out of the jar, so without this class every FHIRPath
 * Patch whose path calls a function ({@code where()}, {@code first()}) failed with a 500. Same meaning as
 * PlantUML's: true unless null or only spaces, tabs and NUL characters. {@code PlantUmlStandInTest} fails when a
 * HAPI upgrade stops calling it, the moment to delete this class.
 */
public final class StringUtils {

    private StringUtils() {}

    public static boolean isNotEmpty(CharSequence input) {
        return input != null && input.chars().anyMatch(c -> c != ' ' && c != '\t' && c != '\0');
    }
}
