package org.resistancecds.operations;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.resistancecds.config.FhirServerPlugin;
import org.resistancecds.knowledge.ResistanceEvaluator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the FHIR operations that expose the engine. */
@Configuration
public class OperationsConfig {

    @Bean
    public EvaluateResistanceProvider evaluateResistanceProvider(ResistanceEvaluator evaluator, DaoRegistry daoRegistry) {
        return new EvaluateResistanceProvider(evaluator, daoRegistry);
    }

    @Bean
    public FhirServerPlugin evaluateResistanceOperation(EvaluateResistanceProvider provider) {
        return server -> server.registerProvider(provider);
    }
}
