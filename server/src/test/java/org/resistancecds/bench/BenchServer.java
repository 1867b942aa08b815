package org.resistancecds.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.resistancecds.ResistanceCdsApplication;
import org.resistancecds.cds.FakeEvaluations;
import org.resistancecds.cds.ScriptedEvaluator;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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

    /** A fixed evaluation with one mechanism and two strategies, as the CDS layer would map it. */
    @Configuration
    static class EngineDouble {
        @Bean
        @Primary
        ScriptedEvaluator benchEngine() {
            ScriptedEvaluator evaluator = new ScriptedEvaluator();
            evaluator.answer(request -> FakeEvaluations.withMechanism());
            return evaluator;
        }
    }
}
