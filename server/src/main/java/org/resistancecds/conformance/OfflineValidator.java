package org.resistancecds.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import ca.uhn.hapi.converters.canonical.VersionCanonicalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.resistancecds.validation.SandboxedChecksNoted;
import org.resistancecds.validation.ValidationProperties;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.ProfileKnowledgeWorkerR5;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r5.conformance.profile.ProfileUtilities;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.utilities.validation.ValidationMessage;

/**
 * The HL7 instance validator over the base R4 specification plus this project's profiles and terminology,
 * held in memory: no server, database or network. Build it once and reuse it; it is thread-safe for
 * validation and slow to warm up.
 */
public final class OfflineValidator {

    /** Folders whose resources the validator needs: value sets and code systems, then profiles. */
    public static final List<String> CONFORMANCE_FOLDERS = List.of("terminology", "profiles");

    private final FhirContext fhirContext;
    private final ValidationSupportChain chain;
    private final FhirValidator validator;
    private final VersionCanonicalizer canonicalizer;

    private OfflineValidator(FhirContext fhirContext, Collection<? extends IBaseResource> content) {
        this.fhirContext = fhirContext;
        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhirContext);
        // Only StructureDefinitions, CodeSystems, ValueSets and SearchParameters are kept; others are ignored.
        content.forEach(ours::addResource);
        this.chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(fhirContext),
                ours,
                new SnapshotGeneratingValidationSupport(fhirContext),
                new InMemoryTerminologyServerValidationSupport(fhirContext),
                new CommonCodeSystemsTerminologyService(fhirContext),
                unknownCodeSystemsAsWarnings(fhirContext))
                // A CodeableConcept meets a binding when one of its codings does, as on the server.
                .setCodeableConceptValidationSuccessfulIfNotAllCodingsAreValid(true);
        this.validator = fhirContext.newValidator().registerValidatorModule(SandboxedChecksNoted.withServerPolicy(
                new FhirInstanceValidator(chain), ValidationProperties.OWN_PROFILE_BASE, 0));
        this.canonicalizer = new VersionCanonicalizer(fhirContext);
    }

    /**
     * LOINC, SNOMED CT, HGNC, RxNorm and ATC are not available offline. Without this module a code from them
     * under a required binding is an error even when our value set lists it; with it, the code is checked
     * against the value set and the unknown code system is only a warning.
     */
    private static UnknownCodeSystemWarningValidationSupport unknownCodeSystemsAsWarnings(FhirContext fhirContext) {
        var support = new UnknownCodeSystemWarningValidationSupport(fhirContext);
        support.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
        return support;
    }

    /** A validator over the given conformance resources (other resource types are ignored). */
    public static OfflineValidator of(FhirContext fhirContext, Collection<? extends IBaseResource> content) {
        return new OfflineValidator(fhirContext, content);
    }

    /** A validator over the content folders on the classpath ({@code terminology/}, {@code profiles/}). */
    public static OfflineValidator fromClasspath(FhirContext fhirContext) {
        ContentReader reader = new ContentReader(fhirContext);
        List<IBaseResource> content = new ArrayList<>();
        for (String folder : CONFORMANCE_FOLDERS) {
            reader.read(folder).forEach(file -> content.add(file.resource()));
        }
        return of(fhirContext, content);
    }

    /** Validates one resource against the base specification and every profile it claims in meta.profile. */
    public ValidationResult validate(IBaseResource resource) {
        return validator.validateWithResult(resource);
    }

    /** Validates a resource's JSON or XML text as written, as {@link #validate(IBaseResource)} does a parsed one. */
    public ValidationResult validate(String text) {
        return validator.validateWithResult(text);
    }

    /** Validates one resource against the given profile, in addition to the profiles it claims. */
    public ValidationResult validate(IBaseResource resource, String profileUrl) {
        return validator.validateWithResult(resource, new ValidationOptions().addProfile(profileUrl));
    }

    /**
     * Generates the snapshot of a profile from its differential, keeping the generator's messages (HAPI's
     * snapshot support only logs them, so broken differentials would otherwise go unnoticed).
     */
    public SnapshotResult generateSnapshot(StructureDefinition differential) {
        org.hl7.fhir.r5.model.StructureDefinition input =
                canonicalizer.structureDefinitionToCanonical(differential.copy());
        IWorkerContext worker = new WorkerContextValidationSupportAdapter(chain);
        org.hl7.fhir.r5.model.StructureDefinition base =
                worker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, input.getBaseDefinition());
        if (base == null) {
            return new SnapshotResult(
                    differential, List.of("base definition not found: " + input.getBaseDefinition()));
        }
        List<ValidationMessage> messages = new ArrayList<>();
        ProfileUtilities utilities =
                new ProfileUtilities(worker, messages, new ProfileKnowledgeWorkerR5(fhirContext));
        List<String> errors = new ArrayList<>();
        try {
            utilities.generateSnapshot(base, input, input.getUrl(), null, input.getName());
        } catch (RuntimeException e) {
            errors.add("snapshot generation failed: " + e.getMessage());
        }
        messages.stream()
                .filter(m -> m.getLevel() == ValidationMessage.IssueSeverity.ERROR
                        || m.getLevel() == ValidationMessage.IssueSeverity.FATAL)
                .map(m -> m.getLocation() + ": " + m.getMessage())
                .forEach(errors::add);
        StructureDefinition output =
                (StructureDefinition) canonicalizer.structureDefinitionFromCanonical(input);
        return new SnapshotResult(output, List.copyOf(errors));
    }

    /** The validation support chain, for callers that need terminology or conformance look-ups. */
    public IValidationSupport validationSupport() {
        return chain;
    }

    /**
     * The outcome of snapshot generation.
     *
     * @param structureDefinition the profile with its snapshot (the input unchanged if generation could not start)
     * @param errors error and fatal messages of the generator, empty when it succeeded cleanly
     */
    public record SnapshotResult(StructureDefinition structureDefinition, List<String> errors) {}
}
