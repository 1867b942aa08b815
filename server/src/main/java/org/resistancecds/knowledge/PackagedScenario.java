package org.resistancecds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * A golden scenario packaged with the server ({@code examples/scenarios}): one patient's record as a transaction
 * Bundle, and {@code <name>.expected.json} with the request it was made for and the answer it should get.
 */
public record PackagedScenario(String name, Bundle bundle, JsonNode expected) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every scenario on the classpath, by file name. */
    public static List<PackagedScenario> load(FhirContext fhirContext) {
        try {
            org.springframework.core.io.Resource[] files = new PathMatchingResourcePatternResolver()
                    .getResources("classpath*:content/examples/scenarios/*.expected.json");
            List<PackagedScenario> scenarios = new ArrayList<>();
            for (org.springframework.core.io.Resource file : files) {
                String name = file.getFilename().replace(".expected.json", "");
                org.springframework.core.io.Resource bundleFile = file.createRelative(name + ".bundle.json");
                try (InputStream expected = file.getInputStream(); InputStream bundle = bundleFile.getInputStream()) {
                    scenarios.add(new PackagedScenario(name,
                            fhirContext.newJsonParser().parseResource(Bundle.class, bundle), JSON.readTree(expected)));
                }
            }
            return scenarios;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the packaged scenarios", e);
        }
    }

    /** A copy whose record an evaluation may use without touching this one's. */
    public PackagedScenario copy() {
        return new PackagedScenario(name, bundle.copy(), expected);
    }

    /** The evaluation the expected answer was made for: its patient, trigger, draft orders and date. */
    public EvaluationRequest request(FhirContext fhirContext) {
        JsonNode request = expected.get("request");
        List<Resource> resources = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
        List<Resource> draftOrders = new ArrayList<>();
        if (request.has("draftOrders")) {
            request.get("draftOrders").forEach(order ->
                    draftOrders.add((Resource) fhirContext.newJsonParser().parseResource(order.toString())));
        }
        Instant asOf = LocalDate.parse(request.get("asOf").asText()).atStartOfDay().toInstant(ZoneOffset.UTC);
        return new EvaluationRequest(request.get("patient").asText(), request.get("trigger").asText(), resources,
                draftOrders, asOf);
    }

    @Override
    public String toString() {
        return name;
    }
}
