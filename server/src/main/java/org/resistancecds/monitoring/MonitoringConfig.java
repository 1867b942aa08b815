package org.resistancecds.monitoring;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.resistancecds.assessment.AssessmentRecorder;
import org.resistancecds.config.FhirServerPlugin;
import org.resistancecds.config.SchemaInitLock;
import org.resistancecds.knowledge.ResistanceEvaluator;
import org.resistancecds.operations.PatientDataLoader;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Background re-evaluation on write; off with {@code resistance.monitoring.reevaluate=false}. */
@Configuration
@ConditionalOnProperty(name = "resistance.monitoring.reevaluate", havingValue = "true", matchIfMissing = true)
public class MonitoringConfig {

    @Bean
    public PatientReevaluator patientReevaluator(ResistanceEvaluator evaluator, PatientDataLoader loader,
            AssessmentRecorder recorder) {
        return new PatientReevaluator(evaluator, loader, recorder, Clock.systemUTC());
    }

    /** Created under the schema lock, so nodes starting together on one database do not race to create it. */
    @Bean
    public PendingReevaluations pendingReevaluations(DataSource dataSource, SchemaInitLock schemaInitLock) {
        PendingReevaluations pending = new PendingReevaluations(dataSource);
        pending.createTable();
        return pending;
    }

    @Bean(destroyMethod = "close")
    public ReevaluationQueue reevaluationQueue(PatientReevaluator reevaluator, PendingReevaluations pending,
            MonitoringProperties properties, MeterRegistry registry) {
        return new ReevaluationQueue(reevaluator, pending, properties, registry);
    }

    @Bean
    public FhirServerPlugin reevaluationOnWrite(ReevaluationQueue queue, PendingReevaluations pending,
            DaoRegistry daoRegistry) {
        ReevaluationTrigger trigger = new ReevaluationTrigger(queue, pending, new ChangedPatients(daoRegistry));
        return server -> {
            server.registerInterceptor(trigger);
            server.registerInterceptor(new CitedInputDeletes());
        };
    }

    /** With the storage layer's interceptors: $import writes through a Batch2 job, not the REST server. */
    @Bean(destroyMethod = "close")
    public ImportedDataTrigger reevaluationOnImport(ReevaluationQueue queue, IJobCoordinator jobs,
            PendingReevaluations pending, IInterceptorService storageInterceptors, DaoRegistry daoRegistry) {
        ImportedDataTrigger trigger = new ImportedDataTrigger(queue, jobs, pending, new ChangedPatients(daoRegistry));
        storageInterceptors.registerInterceptor(trigger);
        return trigger;
    }
}
