package org.resistancecds.cohort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Coding;

/**
 * What the enrichment draws from, read from {@code cohort/cohort-design.json}: the archetypes (golden scenarios)
 * with their weights, the PD-(L)1 agents, and the profiles to claim. Data, so proportions change without Java.
 */
public record CohortDesign(
        LocalDate templateAsOf,
        int maxShiftDays,
        List<Weighted<String>> archetypes,
        List<Weighted<Coding>> agents,
        Map<String, String> profileByResourceType,
        Map<String, String> profileByObservationCode) {

    public static final String RESOURCE = "cohort/cohort-design.json";

    public static CohortDesign load() {
        try (InputStream in = CohortDesign.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static CohortDesign parse(JsonNode root) {
        List<Weighted<String>> archetypes = new ArrayList<>();
        root.path("archetypes").forEach(node ->
                archetypes.add(new Weighted<>(node.path("scenario").asText(), node.path("weight").asInt())));
        String agentSystem = root.path("agents").path("system").asText();
        List<Weighted<Coding>> agents = new ArrayList<>();
        root.path("agents").path("codes").forEach(node -> agents.add(new Weighted<>(
                new Coding(agentSystem, node.path("code").asText(), node.path("display").asText()),
                node.path("weight").asInt())));
        return new CohortDesign(
                LocalDate.parse(root.path("templateAsOf").asText()),
                root.path("maxShiftDays").asInt(),
                List.copyOf(archetypes),
                List.copyOf(agents),
                textMap(root.path("profiles").path("byResourceType")),
                textMap(root.path("profiles").path("byObservationCode")));
    }

    private static Map<String, String> textMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return Map.copyOf(map);
    }
}
