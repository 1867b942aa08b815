package org.resistancecds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.resistancecds.config.FhirServerPlugin;
import org.resistancecds.storage.DatabaseProduct;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.orm.jpa.SharedEntityManagerCreator;

/**
 * Compiles the knowledge files once at start (a broken file stops start-up) and then follows the stored copy,
 * so that changes made through the API reach every node.
 */
@Configuration
public class KnowledgeConfig {

    @Bean
    public KnowledgeBase knowledgeBase(FhirContext fhirContext) {
        return KnowledgeLoader.load(fhirContext);
    }

    @Bean
    public SwappableEvaluator resistanceEvaluator(KnowledgeBase knowledgeBase) {
        return new SwappableEvaluator(new KnowledgeEvaluator(knowledgeBase));
    }

    @Bean
    public KnowledgeWriteCheck knowledgeWriteCheck(FhirContext fhirContext, DaoRegistry daoRegistry,
            EntityManagerFactory entityManagerFactory, DataSource dataSource) {
        boolean postgres = DatabaseProduct.isPostgres(dataSource);
        EntityManager entityManager = SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
        return new KnowledgeWriteCheck(fhirContext, daoRegistry, new KnowledgeWriteLock(entityManager, postgres),
                entityManager);
    }

    @Bean
    public FhirServerPlugin knowledgeWriteCheckPlugin(KnowledgeWriteCheck check) {
        return server -> server.registerInterceptor(check);
    }

    /** With the storage layer's interceptors, whose hooks see a bulk import's writes. */
    @Bean
    public ImportedKnowledgeCheck importedKnowledgeCheck(KnowledgeWriteCheck check,
            IInterceptorService storageInterceptors) {
        ImportedKnowledgeCheck imported = new ImportedKnowledgeCheck(check);
        storageInterceptors.registerInterceptor(imported);
        return imported;
    }

    /** After the content installer (order 0), which stores the same files the engine started with. */
    @Bean
    @Order(20)
    public StoredKnowledgeWatcher storedKnowledgeWatcher(FhirContext fhirContext, DaoRegistry daoRegistry,
            SwappableEvaluator evaluator, KnowledgeProperties properties) {
        return new StoredKnowledgeWatcher(fhirContext, daoRegistry, evaluator, properties);
    }
}
