package org.resistancecds.assessment;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.resistancecds.config.FhirServerPlugin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The stored assessments: one recorder for re-evaluation and the operation, and their guard on the REST server. */
@Configuration
public class AssessmentConfig {

    @Bean
    public AssessmentRecorder assessmentRecorder(DaoRegistry daoRegistry) {
        return new AssessmentRecorder(daoRegistry);
    }

    @Bean
    public FhirServerPlugin serverMaintainedAssessments() {
        return server -> server.registerInterceptor(new ServerMaintainedAssessments());
    }
}
