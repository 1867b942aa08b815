package org.resistancecds.knowledge.terminology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.OtherElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;

/** One source-to-target line of a ConceptMap, flattened so that the tables can be built from plain rows. */
public record MapRow(
        String sourceSystem,
        String sourceCode,
        String sourceDisplay,
        String targetSystem,
        String targetCode,
        String targetDisplay,
        String equivalence,
        String comment,
        List<MapCondition> dependsOn,
        List<MapCondition> products) {

    public static List<MapRow> of(ConceptMap map) {
        List<MapRow> rows = new ArrayList<>();
        for (ConceptMapGroupComponent group : map.getGroup()) {
            for (SourceElementComponent element : group.getElement()) {
                for (TargetElementComponent target : element.getTarget()) {
                    rows.add(new MapRow(
                            group.getSource(),
                            element.getCode(),
                            element.getDisplay(),
                            group.getTarget(),
                            target.getCode(),
                            target.getDisplay(),
                            target.hasEquivalence() ? target.getEquivalence().toCode() : null,
                            target.getComment(),
                            conditions(target.getDependsOn()),
                            conditions(target.getProduct())));
                }
            }
        }
        return rows;
    }

    /** The value of the first condition with this property, if any. */
    public Optional<MapCondition> dependsOn(String property) {
        return dependsOn.stream().filter(c -> property.equals(c.property())).findFirst();
    }

    public Optional<MapCondition> product(String property) {
        return products.stream().filter(c -> property.equals(c.property())).findFirst();
    }

    private static List<MapCondition> conditions(List<OtherElementComponent> elements) {
        return elements.stream()
                .map(e -> new MapCondition(e.getProperty(), e.getSystem(), e.getValue(), e.getDisplay()))
                .toList();
    }
}
