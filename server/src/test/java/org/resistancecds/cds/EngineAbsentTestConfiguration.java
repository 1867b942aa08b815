package org.resistancecds.cds;

import org.resistancecds.knowledge.ResistanceEvaluator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Lets test contexts without a knowledge engine start (the engine is built on another branch): an evaluator
 * that refuses to answer. As an auto-configuration it yields to any real {@link ResistanceEvaluator} bean, so
 * once the engine is merged it is never created. CDS tests install their own scripted evaluator.
 */
@AutoConfiguration
public class EngineAbsentTestConfiguration {

    @Bean
    @ConditionalOnMissingBean(ResistanceEvaluator.class)
    public ResistanceEvaluator engineAbsent() {
        return request -> {
            throw new IllegalStateException("no knowledge engine in this test context");
        };
    }
}
