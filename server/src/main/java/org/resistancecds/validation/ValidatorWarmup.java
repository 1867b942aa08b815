package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.resistancecds.conformance.ContentFile;
import org.resistancecds.conformance.ContentInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Validates one skeleton resource per profile (and per base type) after the content is stored and before the
 * server reports ready, so snapshot generation and the validator's caches are built off the request path.
 */
@Component
@Order(10)
public class ValidatorWarmup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ValidatorWarmup.class);

    private final FhirContext fhirContext;
    private final FhirValidator validator;
    private final ContentInstaller installer;

    public ValidatorWarmup(FhirContext fhirContext, FhirValidator validator, ContentInstaller installer) {
        this.fhirContext = fhirContext;
        this.validator = validator;
        this.installer = installer;
    }

    @Override
    public void run(ApplicationArguments args) {
        long start = System.nanoTime();
        List<IBaseResource> skeletons = new ArrayList<>();
        skeletons.add(fhirContext.getResourceDefinition("Observation").newInstance());
        for (ContentFile file : installer.installedFiles()) {
            if (file.resource() instanceof StructureDefinition profile && "resource".equals(profile.getKind().toCode())) {
                IBaseResource skeleton = fhirContext.getResourceDefinition(profile.getType()).newInstance();
                skeleton.getMeta().addProfile(profile.getUrl());
                skeletons.add(skeleton);
            }
        }
        skeletons.forEach(validator::validateWithResult);
        log.info("Validator warmed with {} profiles and base types in {} ms",
                skeletons.size(), (System.nanoTime() - start) / 1_000_000);
    }
}
