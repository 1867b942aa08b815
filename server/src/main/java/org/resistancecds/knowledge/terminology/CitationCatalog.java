package org.resistancecds.knowledge.terminology;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.RelatedArtifact;
import org.resistancecds.knowledge.KnowledgeException;
import org.resistancecds.knowledge.Recommendation.Citation;

/** The evidence catalogue (Library resistance-citations): every citation in the knowledge must match an entry. */
public final class CitationCatalog {

    private static final String DOI_PREFIX = "https://doi.org/";

    private final Map<String, Citation> byLabel;

    private CitationCatalog(Map<String, Citation> byLabel) {
        this.byLabel = Map.copyOf(byLabel);
    }

    public static CitationCatalog from(Library library) {
        Map<String, Citation> byLabel = new HashMap<>();
        for (RelatedArtifact artifact : library.getRelatedArtifact()) {
            if (artifact.getType() != RelatedArtifact.RelatedArtifactType.CITATION) {
                continue;
            }
            Citation citation = toCitation(artifact);
            if (byLabel.put(citation.label(), citation) != null) {
                throw new KnowledgeException(library.getUrl() + ": label " + citation.label() + " is used twice");
            }
        }
        return new CitationCatalog(byLabel);
    }

    /** A RelatedArtifact citation as the contract's Citation; the DOI is read from a https://doi.org/ URL. */
    public static Citation toCitation(RelatedArtifact artifact) {
        if (!artifact.hasLabel() || !artifact.hasCitation()) {
            throw new KnowledgeException("A citation needs a label and the citation text: " + artifact.getDisplay());
        }
        String url = artifact.getUrl();
        String doi = url != null && url.startsWith(DOI_PREFIX) ? url.substring(DOI_PREFIX.length()) : null;
        return new Citation(artifact.getLabel(), artifact.getCitation(), doi);
    }

    public Optional<Citation> find(String label) {
        return Optional.ofNullable(byLabel.get(label));
    }
}
