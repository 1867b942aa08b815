package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.term.api.ITermReadSvc;
import ca.uhn.fhir.validation.FhirValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.resistancecds.conformance.ContentFile;
import org.resistancecds.conformance.ContentInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Validates a realistic instance of every profile after the content is stored and before the server reports
 * ready, so snapshot generation and the validator's caches are built off the request path: the packaged valid
 * examples (codes, slices, bound value sets), and an empty skeleton for a profile no example claims. The first
 * validation of any resource is most of that cost (the validator loads the specification's definitions, code
 * systems and value sets) and needs none of our content, so it starts on its own thread as soon as the context
 * is up, while the content is installed on the main thread; meanwhile the main thread expands our value sets.
 */
@Component
@Order(10)
public class ValidatorWarmup implements ApplicationRunner, ApplicationListener<ApplicationStartedEvent> {

    private static final Logger log = LoggerFactory.getLogger(ValidatorWarmup.class);

    private final FhirContext fhirContext;
    private final FhirValidator validator;
    private final ITermReadSvc terminology;
    private final ContentInstaller installer;
    private volatile CompletableFuture<Void> coreWarmup;

    public ValidatorWarmup(
            FhirContext fhirContext, FhirValidator validator, ITermReadSvc terminology, ContentInstaller installer) {
        this.fhirContext = fhirContext;
        this.validator = validator;
        this.terminology = terminology;
        this.installer = installer;
    }

    @Override
    public void onApplicationEvent(ApplicationStartedEvent event) {
        coreWarmup = CompletableFuture.runAsync(this::warmCore, runnable -> {
            Thread thread = new Thread(runnable, "validator-warmup");
            thread.setDaemon(true);
            thread.start();
        });
    }

    @Override
    public void run(ApplicationArguments args) {
        long start = System.nanoTime();
        // HAPI expands stored value sets on a schedule, minutes after start; until then every code checked against
        // one of ours logged a warning and took the slower in-memory path. Done while the core warm-up runs.
        terminology.preExpandDeferredValueSetsToTerminologyTables();
        log.info("Value sets expanded for code validation in {} ms", (System.nanoTime() - start) / 1_000_000);
        if (coreWarmup == null) {
            warmCore();
        } else {
            coreWarmup.join();
        }
        List<IBaseResource> samples = new ArrayList<>();
        installer.exampleFiles().forEach(example -> samples.add(example.resource()));
        Set<String> claimed = samples.stream()
                .flatMap(sample -> sample.getMeta().getProfile().stream())
                .map(IPrimitiveType::getValueAsString)
                .collect(Collectors.toSet());
        for (ContentFile file : installer.installedFiles()) {
            if (file.resource() instanceof StructureDefinition profile && "resource".equals(profile.getKind().toCode())
                    && !claimed.contains(profile.getUrl())) {
                IBaseResource skeleton = fhirContext.getResourceDefinition(profile.getType()).newInstance();
                skeleton.getMeta().addProfile(profile.getUrl());
                samples.add(skeleton);
            }
        }
        samples.forEach(this::validateTimed);
        log.info("Validator warmed with {} resources after the content was installed in {} ms",
                samples.size(), (System.nanoTime() - start) / 1_000_000);
    }

    private void warmCore() {
        // A coded element makes the validator also load the specification's code systems and value sets (about
        // a second, which the first client request paid when only empty skeletons were validated).
        Observation coded = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        coded.getCode().addCoding().setSystem("http://loinc.org").setCode("94076-7");
        log.info("Validator loaded the core definitions in {} ms", validateTimed(coded));
    }

    /** Validates and returns how long it took, in milliseconds. */
    private long validateTimed(IBaseResource resource) {
        long start = System.nanoTime();
        validator.validateWithResult(resource);
        long millis = (System.nanoTime() - start) / 1_000_000;
        log.debug("Warm-up of {} {} took {} ms", resource.fhirType(), resource.getMeta().getProfile(), millis);
        return millis;
    }
}
