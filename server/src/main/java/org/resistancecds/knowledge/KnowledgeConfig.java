package org.resistancecds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads and compiles the knowledge once at start and exposes the engine; a broken knowledge file stops start-up. */
@Configuration
public class KnowledgeConfig {

    @Bean
    public KnowledgeBase knowledgeBase(FhirContext fhirContext) {
        return KnowledgeLoader.load(fhirContext);
    }

    @Bean
    public ResistanceEvaluator resistanceEvaluator(KnowledgeBase knowledgeBase) {
        return new KnowledgeEvaluator(knowledgeBase);
    }
}
