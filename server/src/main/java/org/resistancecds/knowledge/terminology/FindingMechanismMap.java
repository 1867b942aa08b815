package org.resistancecds.knowledge.terminology;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.ConceptMap;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.KnowledgeException;

/** Non-genomic finding to resistance mechanism (ConceptMap finding-to-mechanism). */
public final class FindingMechanismMap {

    private static final Set<String> KNOWN_PROPERTIES =
            Set.of(KnowledgeCodes.PROPERTY_INTERPRETATION, KnowledgeCodes.PROPERTY_VALUE);

    /**
     * One mapping.
     *
     * @param findingCode code of the finding in the resistance-biomarker CodeSystem
     * @param findingDisplay its display
     * @param requires what the finding's result must be (all must hold)
     * @param ceiling the highest confidence this finding can support
     */
    public record FindingRule(
            String findingCode,
            String findingDisplay,
            String mechanism,
            String mechanismDisplay,
            List<MapCondition> requires,
            Confidence ceiling,
            String note) {}

    private final String findingSystem;
    private final Map<String, List<FindingRule>> rulesByFinding;

    private FindingMechanismMap(String findingSystem, Map<String, List<FindingRule>> rulesByFinding) {
        this.findingSystem = findingSystem;
        this.rulesByFinding = Map.copyOf(rulesByFinding);
    }

    public static FindingMechanismMap from(ConceptMap map) {
        List<MapRow> rows = MapRow.of(map);
        Set<String> systems = rows.stream().map(MapRow::sourceSystem).collect(Collectors.toSet());
        if (systems.size() != 1) {
            throw new KnowledgeException(map.getUrl() + ": expected one source CodeSystem, found " + systems);
        }
        List<FindingRule> rules = rows.stream().map(row -> toRule(map.getUrl(), row)).toList();
        return new FindingMechanismMap(
                systems.iterator().next(), rules.stream().collect(Collectors.groupingBy(FindingRule::findingCode)));
    }

    private static FindingRule toRule(String url, MapRow row) {
        if (row.dependsOn().isEmpty()) {
            throw new KnowledgeException(url + ": " + row.sourceCode() + " names no result it needs (dependsOn)");
        }
        row.dependsOn().stream()
                .filter(c -> !KNOWN_PROPERTIES.contains(c.property()))
                .findFirst()
                .ifPresent(c -> {
                    throw new KnowledgeException(url + ": unknown dependsOn property " + c.property());
                });
        Confidence ceiling = row.product(KnowledgeCodes.PROPERTY_CONFIDENCE_CEILING)
                .map(c -> Confidence.fromCode(c.value()))
                .orElse(Confidence.PROBABLE);
        return new FindingRule(row.sourceCode(), row.sourceDisplay(), row.targetCode(), row.targetDisplay(),
                row.dependsOn(), ceiling, row.comment());
    }

    /** The CodeSystem of the findings this map covers. */
    public String findingSystem() {
        return findingSystem;
    }

    public List<FindingRule> rulesFor(String findingCode) {
        return rulesByFinding.getOrDefault(findingCode, List.of());
    }

    public boolean covers(String system, String code) {
        return findingSystem.equals(system) && rulesByFinding.containsKey(code);
    }
}
