package org.resistancecds.operations;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.resistancecds.assessment.AssessmentRecorder;
import org.resistancecds.config.FhirServerPlugin;
import org.resistancecds.knowledge.KnowledgeBase;
import org.resistancecds.knowledge.ResistanceEvaluator;
import org.resistancecds.knowledge.timeline.TimelineBuilder;
import org.resistancecds.storage.RecordSnapshot;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the FHIR operations that expose the engine, {@code $evaluate-resistance} and {@code $resistance-timeline},
 * and the check on HAPI's {@code $document}.
 */
@Configuration
public class OperationsConfig {

    @Bean
    public PatientDataLoader patientDataLoader(DaoRegistry daoRegistry, RecordSnapshot snapshot) {
        return new PatientDataLoader(daoRegistry, snapshot);
    }

    @Bean
    public EvaluateResistanceProvider evaluateResistanceProvider(ResistanceEvaluator evaluator, PatientDataLoader loader,
            AssessmentRecorder recorder) {
        return new EvaluateResistanceProvider(evaluator, loader, recorder);
    }

    @Bean
    public FhirServerPlugin evaluateResistanceOperation(EvaluateResistanceProvider provider) {
        return server -> server.registerProvider(provider);
    }

    @Bean
    public ResistanceTimelineProvider resistanceTimelineProvider(KnowledgeBase knowledge, ResistanceEvaluator evaluator,
            PatientDataLoader loader) {
        return new ResistanceTimelineProvider(new TimelineBuilder(knowledge, evaluator), loader);
    }

    @Bean
    public FhirServerPlugin resistanceTimelineOperation(ResistanceTimelineProvider provider) {
        return server -> server.registerProvider(provider);
    }

    @Bean
    public FhirServerPlugin documentOfStoredComposition(DaoRegistry daoRegistry) {
        return server -> server.registerInterceptor(new DocumentOfStoredComposition(daoRegistry));
    }
}
