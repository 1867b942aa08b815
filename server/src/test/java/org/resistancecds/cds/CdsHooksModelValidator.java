package org.resistancecds.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.constants.ReferenceValidationPolicy;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.utilities.validation.ValidationMessage.IssueSeverity;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.hl7.fhir.validation.instance.advisor.BasePolicyAdvisorForFullValidation;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Validates CDS Hooks JSON against HL7's logical models (FHIR tools IG, copied under
 * {@code src/test/resources/cds-hooks/logical-models}) with the HL7 instance validator that HAPI ships.
 */
public final class CdsHooksModelValidator {

    public static final String RESPONSE = "http://hl7.org/fhir/tools/StructureDefinition/CDSHooksResponse";
    public static final String SERVICES = "http://hl7.org/fhir/tools/StructureDefinition/CDSHooksServices";

    private static volatile CdsHooksModelValidator shared;

    private final IWorkerContext workerContext;

    private CdsHooksModelValidator() {
        FhirContext r4 = FhirContext.forR4Cached();
        PrePopulatedValidationSupport models = new PrePopulatedValidationSupport(r4);
        try {
            for (Resource file : new PathMatchingResourcePatternResolver()
                    .getResources("classpath:cds-hooks/logical-models/*")) {
                String name = file.getFilename();
                if (name == null || name.startsWith("binary-")) {
                    continue;
                }
                IParser parser = name.endsWith(".xml") ? r4.newXmlParser() : r4.newJsonParser();
                try (InputStream in = file.getInputStream()) {
                    IBaseResource resource = parser.parseResource(in);
                    models.addResource(resource);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CDS Hooks logical models", e);
        }
        // The models derive from the R5 root type Base, which R4's core package does not define.
        models.addStructureDefinition(baseType());
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(r4),
                models,
                new CommonCodeSystemsTerminologyService(r4),
                new InMemoryTerminologyServerValidationSupport(r4),
                new SnapshotGeneratingValidationSupport(r4));
        this.workerContext = WorkerContextValidationSupportAdapter.newVersionSpecificWorkerContextWrapper(chain);
    }

    private static org.hl7.fhir.r4.model.StructureDefinition baseType() {
        var base = new org.hl7.fhir.r4.model.StructureDefinition();
        base.setUrl("http://hl7.org/fhir/StructureDefinition/Base");
        base.setName("Base");
        base.setStatus(Enumerations.PublicationStatus.ACTIVE);
        base.setKind(org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind.LOGICAL);
        base.setAbstract(true);
        base.setType("Base");
        base.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        base.setDerivation(org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule.SPECIALIZATION);
        ElementDefinition root = base.getSnapshot().addElement();
        root.setId("Base");
        root.setPath("Base");
        root.setMin(0);
        root.setMax("*");
        root.getBase().setPath("Base").setMin(0).setMax("*");
        return base;
    }

    /** The process-wide instance (building the worker context takes seconds). */
    public static CdsHooksModelValidator get() {
        if (shared == null) {
            synchronized (CdsHooksModelValidator.class) {
                if (shared == null) {
                    shared = new CdsHooksModelValidator();
                }
            }
        }
        return shared;
    }

    /** Returns the error and fatal messages for the JSON text validated against one logical model. */
    public synchronized List<String> errors(String json, String modelUrl) {
        StructureDefinition model = workerContext.fetchResource(StructureDefinition.class, modelUrl);
        if (model == null) {
            throw new IllegalStateException("logical model not loaded: " + modelUrl);
        }
        InstanceValidator validator = new InstanceValidator(workerContext, null, null, null, new ValidatorSettings());
        // Suggested resources refer to the patient on the EHR's server, which cannot be resolved here.
        validator.setPolicyAdvisor(new BasePolicyAdvisorForFullValidation(ReferenceValidationPolicy.IGNORE, Set.of()));
        List<ValidationMessage> messages = new ArrayList<>();
        validator.validate(
                null,
                messages,
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                FhirFormat.JSON,
                List.of(model));
        return messages.stream()
                .filter(m -> m.getLevel() == IssueSeverity.ERROR || m.getLevel() == IssueSeverity.FATAL)
                .map(m -> m.getLocation() + ": " + m.getMessage())
                .toList();
    }
}
