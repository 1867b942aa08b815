package org.resistancecds.knowledge.terminology;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.ConceptMap;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.KnowledgeException;

/** Disease-status trends (SNOMED CT) to RECIST response categories (ConceptMap response-to-category). */
public final class ResponseCategoryMap {

    /** A mapped category and whether the mapping is exact. */
    public record Mapped(String category, boolean exact, String sourceDisplay) {}

    private final Map<String, Mapped> bySourceCode;

    private ResponseCategoryMap(Map<String, Mapped> bySourceCode) {
        this.bySourceCode = Map.copyOf(bySourceCode);
    }

    public static ResponseCategoryMap from(ConceptMap map) {
        Map<String, Mapped> mapped = new HashMap<>();
        for (MapRow row : MapRow.of(map)) {
            if (!KnowledgeCodes.RESPONSE_SYSTEM.equals(row.targetSystem())) {
                throw new KnowledgeException(map.getUrl() + ": targets must be in " + KnowledgeCodes.RESPONSE_SYSTEM);
            }
            if (ResponseCategory.find(row.targetCode()).isEmpty()) {
                throw new KnowledgeException(map.getUrl() + ": unknown response category " + row.targetCode());
            }
            mapped.put(row.sourceSystem() + "|" + row.sourceCode(),
                    new Mapped(row.targetCode(), "equivalent".equals(row.equivalence()), row.sourceDisplay()));
        }
        return new ResponseCategoryMap(mapped);
    }

    public Optional<Mapped> map(String system, String code) {
        return Optional.ofNullable(bySourceCode.get(system + "|" + code));
    }
}
