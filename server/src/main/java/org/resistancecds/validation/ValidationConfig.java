package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.validation.JpaValidationSupportChain;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import java.time.Clock;
import javax.sql.DataSource;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.resistancecds.config.FhirRestfulServerConfig;
import org.resistancecds.config.FhirServerPlugin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** One validator for the process, backed by HAPI's JPA validation chain (our stored profiles and terminology). */
@Configuration
public class ValidationConfig {

    /** The name HAPI gives its instance validator bean. */
    private static final String INSTANCE_VALIDATOR = "myInstanceValidator";

    @Bean
    public FhirValidator fhirValidator(
            FhirContext fhirContext, @Qualifier(INSTANCE_VALIDATOR) IInstanceValidatorModule instanceValidator) {
        FhirValidator validator = fhirContext.newValidator();
        validator.registerValidatorModule(instanceValidator);
        return validator;
    }

    /**
     * HAPI's instance validator as every validation of this server uses it (writes, {@code $validate}, which HAPI
     * runs with this bean): profiles from guides we do not hold (mCODE, US Core) cannot be checked, which is a
     * warning; the HL7 library is kept off files and the network, and what that leaves unchecked is said so.
     */
    @Bean
    public static BeanPostProcessor instanceValidatorPolicy(ObjectProvider<ValidationProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (INSTANCE_VALIDATOR.equals(name) && bean instanceof FhirInstanceValidator hl7Validator) {
                    ValidationProperties policy = properties.getObject();
                    return SandboxedChecksNoted.withServerPolicy(
                            hl7Validator, policy.profileBase(), policy.maxElements());
                }
                return bean;
            }
        };
    }

    /**
     * LOINC, SNOMED CT, HGNC, RxNorm and ATC are not loaded into this server. Our value sets list the codes
     * they allow, so the validator still checks membership; without this module the unknown code system
     * itself is an error under a required binding and every lab result or ICI order would be refused. And a
     * CodeableConcept meets a binding when one of its codings does, so a local code may travel beside RxNorm's (HAPI's
     * default wants every coding in the value set). Same policies as the offline validator.
     */
    @Bean
    public UnknownCodeSystemWarningValidationSupport terminologyPolicy(
            FhirContext fhirContext, JpaValidationSupportChain chain) {
        chain.setCodeableConceptValidationSuccessfulIfNotAllCodingsAreValid(true);
        UnknownCodeSystemWarningValidationSupport support = new UnknownCodeSystemWarningValidationSupport(fhirContext);
        support.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
        chain.addValidationSupport(support);
        return support;
    }

    /**
     * First in the chain, answering for our own code systems and value sets before HAPI's database-backed modules:
     * $lookup, which HAPI's fails on, and value-set membership, which HAPI's reports with a false second error.
     */
    @Bean
    public StoredCodeSystemLookup storedCodeSystemLookup(FhirContext fhirContext, JpaValidationSupportChain chain) {
        StoredCodeSystemLookup lookup = new StoredCodeSystemLookup(fhirContext);
        chain.addValidationSupport(0, lookup);
        chain.addValidationSupport(1, new OwnValueSetsInMemory(fhirContext));
        return lookup;
    }

    @Bean
    public FhirServerPlugin codeSystemLookupInputs(FhirContext fhirContext, JpaValidationSupportChain chain) {
        CodeSystemLookupInputs interceptor = new CodeSystemLookupInputs(fhirContext, chain);
        return server -> server.registerInterceptor(interceptor);
    }

    @Bean
    public FhirServerPlugin valueSetOperationInputs(FhirContext fhirContext, JpaValidationSupportChain chain) {
        ValueSetOperationInputs interceptor = new ValueSetOperationInputs(fhirContext, chain);
        return server -> server.registerInterceptor(interceptor);
    }

    /** With the storage layer's interceptors, which see REST writes and a bulk import's alike. */
    @Bean
    public ConformanceChanges conformanceChanges(
            @Qualifier(INSTANCE_VALIDATOR) IInstanceValidatorModule instanceValidator,
            IInterceptorService storageInterceptors) {
        ConformanceChanges changes = new ConformanceChanges(clearCaches(instanceValidator));
        storageInterceptors.registerInterceptor(changes);
        return changes;
    }

    /** After the content installer (order 0): the versions it stored are the ones the caches start from. */
    @Bean
    @Order(20)
    public ConformanceWatcher conformanceWatcher(DataSource dataSource,
            @Qualifier(INSTANCE_VALIDATOR) IInstanceValidatorModule instanceValidator,
            ValidationProperties properties) {
        return new ConformanceWatcher(dataSource, clearCaches(instanceValidator),
                properties.conformanceRefreshInterval(), Clock.systemUTC());
    }

    private static Runnable clearCaches(IInstanceValidatorModule instanceValidator) {
        return instanceValidator instanceof SandboxedChecksNoted validator ? validator::invalidateCaches : () -> { };
    }

    @Bean
    public FhirServerPlugin translateWithUnknownMap(FhirContext fhirContext, DaoRegistry daoRegistry) {
        TranslateWithUnknownMap interceptor = new TranslateWithUnknownMap(fhirContext, daoRegistry);
        ReverseTranslation reverse = new ReverseTranslation(fhirContext, daoRegistry);
        return server -> {
            server.registerInterceptor(interceptor);
            server.registerInterceptor(reverse);
        };
    }

    /** After the size limit and the duplicate-key check, which read the body first. */
    @Bean
    public FilterRegistrationBean<ValidateParametersFilter> validateParameters(FhirContext fhirContext) {
        return FhirRestfulServerConfig.filter(
                new ValidateParametersFilter(fhirContext), 17, FhirRestfulServerConfig.FHIR_PATH + "/*");
    }

    @Bean
    public FhirServerPlugin writeValidation(FhirValidator validator, ValidationProperties properties,
            IInterceptorService storageInterceptors, FhirContext fhirContext, DaoRegistry daoRegistry) {
        WriteValidatingInterceptor interceptor = new WriteValidatingInterceptor(validator, properties);
        storageInterceptors.registerInterceptor(new ImportedResourceValidation(interceptor));
        OwnProfileByMetaAdd metaAdd = new OwnProfileByMetaAdd(fhirContext, properties, daoRegistry);
        return server -> {
            server.registerInterceptor(interceptor);
            server.registerInterceptor(metaAdd);
        };
    }
}
