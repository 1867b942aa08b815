package org.resistancecds.monitoring;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.resistancecds.config.FhirServerPlugin;
import org.resistancecds.knowledge.ResistanceEvaluator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Background re-evaluation on write; off with {@code resistance.monitoring.reevaluate=false}. */
@Configuration
@ConditionalOnProperty(name = "resistance.monitoring.reevaluate", havingValue = "true", matchIfMissing = true)
public class MonitoringConfig {

    @Bean
    public PatientReevaluator patientReevaluator(ResistanceEvaluator evaluator, DaoRegistry daoRegistry) {
        return new PatientReevaluator(evaluator, daoRegistry, Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    public ReevaluationQueue reevaluationQueue(PatientReevaluator reevaluator, MonitoringProperties properties,
            MeterRegistry registry) {
        return new ReevaluationQueue(reevaluator, properties, registry);
    }

    @Bean
    public FhirServerPlugin reevaluationOnWrite(ReevaluationQueue queue) {
        ReevaluationTrigger trigger = new ReevaluationTrigger(queue);
        return server -> {
            server.registerInterceptor(trigger);
            server.registerInterceptor(new CitedInputDeletes());
        };
    }

    /** With the storage layer's interceptors: $import writes through a Batch2 job, not the REST server. */
    @Bean(destroyMethod = "close")
    public ImportedDataTrigger reevaluationOnImport(ReevaluationQueue queue, IJobCoordinator jobs,
            IInterceptorService storageInterceptors) {
        ImportedDataTrigger trigger = new ImportedDataTrigger(queue, jobs);
        storageInterceptors.registerInterceptor(trigger);
        return trigger;
    }
}
