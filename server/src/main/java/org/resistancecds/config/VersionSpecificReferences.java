package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.ParserOptions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a reference names the version it is about, the version is kept. HAPI strips {@code /_history/n} from every
 * reference it stores except AuditEvent's, so a Provenance recording which version of a result it vouches for lost
 * exactly that: {@code Observation/o1/_history/1} was stored as {@code Observation/o1}, the current version.
 */
final class VersionSpecificReferences {

    /** FHIR's record-keeping references: what a Provenance is about and what it used. */
    static final List<String> PATHS = List.of("Provenance.target", "Provenance.entity.what");

    private VersionSpecificReferences() {}

    /** Adds {@link #PATHS} to the paths the context already keeps versions at (HAPI's own among them). */
    static void keepIn(FhirContext context) {
        ParserOptions options = context.getParserOptions();
        Set<String> paths = new LinkedHashSet<>(options.getDontStripVersionsFromReferencesAtPaths());
        paths.addAll(PATHS);
        options.setDontStripVersionsFromReferencesAtPaths(paths);
    }
}
