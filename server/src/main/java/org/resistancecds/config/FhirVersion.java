package org.resistancecds.config;

import org.springframework.http.MediaType;

/** The {@code fhirVersion} parameter of a FHIR media type: absent, or naming R4, is what this server speaks. */
final class FhirVersion {

    private static final String PARAMETER = "fhirVersion";

    private FhirVersion() {}

    /** Absent, {@code 4.0} (the major.minor form FHIR defines), or an R4 release such as {@code 4.0.1}. */
    static boolean isR4(MediaType type) {
        String version = type.getParameter(PARAMETER);
        if (version == null) {
            return true;
        }
        String unquoted = version.replace("\"", "").trim();
        return unquoted.equals("4.0") || unquoted.startsWith("4.0.");
    }
}
