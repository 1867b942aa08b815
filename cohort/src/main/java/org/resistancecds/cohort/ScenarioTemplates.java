package org.resistancecds.cohort;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;

/** Reads the archetypes' scenario Bundles and expected results from {@code cohort/scenarios/} on the classpath. */
public final class ScenarioTemplates {

    private static final String FOLDER = "cohort/scenarios/";

    private ScenarioTemplates() {}

    public static Archetype load(FhirContext fhirContext, String scenario) {
        Bundle template = fhirContext.newJsonParser()
                .parseResource(Bundle.class, read(scenario + ".bundle.json"));
        try {
            JsonNode expected = new ObjectMapper().readTree(read(scenario + ".expected.json")).path("expected");
            Map<String, String> mechanisms = new LinkedHashMap<>();
            expected.path("mechanisms").fields()
                    .forEachRemaining(field -> mechanisms.put(field.getKey(), field.getValue().asText()));
            return new Archetype(scenario, template, expected.path("status").asText(), Map.copyOf(mechanisms));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the expected result of " + scenario, e);
        }
    }

    private static String read(String name) {
        try (InputStream in = ScenarioTemplates.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException(FOLDER + name + " is not on the classpath (a scenario named in "
                        + CohortDesign.RESOURCE + " must exist in examples/scenarios/)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FOLDER + name, e);
        }
    }
}
