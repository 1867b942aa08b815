package org.resistancecds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server started in this JVM with its own settings (database, profile), for tests that need more than the
 * shared context: restarts, PostgreSQL, several nodes.
 */
public final class StandaloneServer implements AutoCloseable {

    /**
     * Settings every test server gets unless the test gives its own: FHIR access control off (tested by
     * {@code FhirSecurityIT}), the audit log under {@code target/}, no limit on refused tokens per address (every
     * test sends from one; tested by {@code UnconfiguredSecurityIT}).
     */
    public static final Map<String, Object> TEST_DEFAULTS = Map.of(
            "resistance.security.enabled", "false",
            "resistance.audit.file", "target/it-audit/audit.jsonl",
            "resistance.http.failed-token-limit", "0");

    private final ConfigurableApplicationContext context;

    private StandaloneServer(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts on a random port with the given Spring properties and profiles. */
    public static StandaloneServer start(Map<String, Object> properties, String... profiles) {
        List<String> args = new ArrayList<>();
        args.add("--server.port=0");
        Map<String, Object> settings = new java.util.LinkedHashMap<>(TEST_DEFAULTS);
        settings.putAll(properties);
        settings.forEach((key, value) -> args.add("--" + key + "=" + value));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ResistanceCdsApplication.class)
                .profiles(profiles)
                .run(args.toArray(String[]::new));
        return new StandaloneServer(context);
    }

    public String fhirBase() {
        return "http://localhost:" + context.getEnvironment().getProperty("local.server.port") + "/fhir";
    }

    public IGenericClient fhirClient() {
        FhirContext fhirContext = context.getBean(FhirContext.class);
        fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        fhirContext.getRestfulClientFactory().setSocketTimeout(60_000);
        return fhirContext.newRestfulGenericClient(fhirBase());
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
