package org.resistancecds.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.resistancecds.ResistanceCdsApplication;
import org.resistancecds.cds.FakeEvaluations;
import org.resistancecds.knowledge.ResistanceEvaluator;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Starts the server for the benchmark (profiles {@code dev} and {@code bench}: no client JWT, the trivial
 * {@code hello} service registered). With {@code --engine-double} the knowledge engine is replaced by a fixed
 * answer, to measure the CDS layer alone (or before the engine exists on this branch).
 */
public final class BenchServer {

    private BenchServer() {}

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean engineDouble = rest.remove("--engine-double");
        List<Class<?>> sources = new ArrayList<>(List.of(ResistanceCdsApplication.class));
        if (engineDouble) {
            sources.add(EngineDouble.class);
        }
        new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
                .profiles("dev", "bench")
                .run(rest.toArray(String[]::new));
    }

    /**
     * A fixed evaluation with one mechanism and two strategies, as the CDS layer would map it. Deliberately not a
     * {@code @Configuration}: component scanning in the test contexts must not find it; it is a source only here.
     */
    static class EngineDouble {
        @Bean
        @Primary
        ResistanceEvaluator benchEngine() {
            // Keeps nothing between calls (unlike the tests' ScriptedEvaluator, which records every request).
            return request -> FakeEvaluations.withMechanism();
        }
    }
}
