package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseParameters;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.utilities.CanonicalPair;

/**
 * Answers {@code CodeSystem/$lookup} from the stored CodeSystem resource when it lists the code. HAPI's database
 * lookup fails with a 500 on any concept that has a property other than a string or a Coding (evidence-level's
 * integer {@code rank}, resistance-biomarker's boolean {@code notSelectable}, or such a property in any code system
 * a client stores) and never returns {@code parent} or {@code child}; this answer has every property with its own
 * type, the hierarchy, and {@code abstract} from {@code notSelectable}. Placed first in the validation chain. A code
 * the resource does not list is not found in this project's code systems; in others it goes on to HAPI's modules,
 * which also know codes held only in the terminology tables (a CodeSystem whose content is {@code not-present}).
 */
public class StoredCodeSystemLookup implements IValidationSupport {

    static final String OUR_CODE_SYSTEMS = "https://resistance-cds.org/fhir/CodeSystem/";

    private final FhirContext fhirContext;

    public StoredCodeSystemLookup(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Override
    public FhirContext getFhirContext() {
        return fhirContext;
    }

    /**
     * Only for a code system whose resource lists concepts: HAPI's module for common code systems holds SNOMED CT and
     * others as resources without concepts, and claiming those changed how the validator checks their codes (an
     * extensible binding to a value set that does not exist became an error). A supplement is no code system of its
     * own.
     */
    @Override
    public boolean isCodeSystemSupported(ValidationSupportContext context, String system) {
        return codeSystem(context, system).filter(CodeSystem::hasConcept)
                .filter(found -> found.getContent() != CodeSystem.CodeSystemContentMode.SUPPLEMENT)
                .isPresent();
    }

    @Override
    public LookupCodeResult lookupCode(ValidationSupportContext context, LookupCodeRequest request) {
        Optional<CodeSystem> latest = codeSystem(context, request.getSystem());
        if (latest.isEmpty()) {
            return null;
        }
        // $lookup's version arrives as system|version. Ours hold one version, so another is not found (404), where
        // HAPI answered 200 with an empty display; a client's code system may be stored in several versions (HAPI's
        // lookup of an older one failed with the same 500).
        String version = CanonicalPair.of(request.getSystem()).getVersion();
        Optional<CodeSystem> named = version == null || version.equals(latest.get().getVersion()) ? latest
                : isOurs(request.getSystem()) ? Optional.empty() : storedVersion(context, request.getSystem(), version);
        if (named.isEmpty()) {
            return notFoundInOurs(request);
        }
        CodeSystem held = named.get();
        return find(held.getConcept(), null, request.getCode())
                .map(found -> describe(held, found, request))
                .orElseGet(() -> notFoundInOurs(request));
    }

    private static Optional<CodeSystem> storedVersion(ValidationSupportContext context, String system, String version) {
        return context.getRootValidationSupport().fetchCodeSystem(system) instanceof CodeSystem found
                        && version.equals(found.getVersion())
                ? Optional.of(found)
                : Optional.empty();
    }

    /** Not found when the system is ours; otherwise no answer, so that the chain's next modules look. */
    private static LookupCodeResult notFoundInOurs(LookupCodeRequest request) {
        return isOurs(request.getSystem()) ? LookupCodeResult.notFound(request.getSystem(), request.getCode()) : null;
    }

    static boolean isOurs(String system) {
        return system != null && system.startsWith(OUR_CODE_SYSTEMS);
    }

    private Optional<CodeSystem> codeSystem(ValidationSupportContext context, String system) {
        if (system == null) {
            return Optional.empty();
        }
        return context.getRootValidationSupport().fetchCodeSystem(CanonicalPair.of(system).getUrl())
                        instanceof CodeSystem found
                ? Optional.of(found)
                : Optional.empty();
    }

    private record Found(ConceptDefinitionComponent concept, ConceptDefinitionComponent parent) {}

    private static Optional<Found> find(
            List<ConceptDefinitionComponent> concepts, ConceptDefinitionComponent parent, String code) {
        for (ConceptDefinitionComponent concept : concepts) {
            if (concept.getCode().equals(code)) {
                return Optional.of(new Found(concept, parent));
            }
            Optional<Found> nested = find(concept.getConcept(), concept, code);
            if (nested.isPresent()) {
                return nested;
            }
        }
        return Optional.empty();
    }

    private static LookupCodeResult describe(CodeSystem codeSystem, Found found, LookupCodeRequest request) {
        ConceptDefinitionComponent concept = found.concept();
        List<Parameters.ParametersParameterComponent> properties = new ArrayList<>();
        Collection<String> wanted = request.getPropertyNames();
        for (ConceptPropertyComponent property : concept.getProperty()) {
            addProperty(properties, wanted, property.getCode(), property.getValue());
        }
        if (found.parent() != null) {
            addProperty(properties, wanted, "parent", new CodeType(found.parent().getCode()));
        }
        concept.getConcept().forEach(child -> addProperty(properties, wanted, "child", new CodeType(child.getCode())));

        TypedPropertiesResult result = new TypedPropertiesResult(properties);
        result.setFound(true);
        result.setSearchedForSystem(request.getSystem());
        result.setSearchedForCode(request.getCode());
        result.setCodeSystemDisplayName(codeSystem.hasTitle() ? codeSystem.getTitle() : codeSystem.getName());
        result.setCodeSystemVersion(codeSystem.getVersion());
        result.setCodeDisplay(concept.getDisplay());
        result.setCodeIsAbstract(concept.getProperty().stream().anyMatch(p -> p.getCode().equals("notSelectable")
                && p.getValue() instanceof BooleanType selectable && selectable.booleanValue()));
        concept.getDesignation().forEach(designation -> result.getDesignations().add(new ConceptDesignation()
                .setLanguage(designation.getLanguage())
                .setUseSystem(designation.getUse().getSystem())
                .setUseCode(designation.getUse().getCode())
                .setUseDisplay(designation.getUse().getDisplay())
                .setValue(designation.getValue())));
        return result;
    }

    private static void addProperty(
            List<Parameters.ParametersParameterComponent> properties, Collection<String> wanted, String code, Type value) {
        if (wanted == null || wanted.isEmpty() || wanted.contains(code)) {
            Parameters.ParametersParameterComponent property = new Parameters.ParametersParameterComponent();
            property.setName("property");
            property.addPart().setName("code").setValue(new CodeType(code));
            property.addPart().setName("value").setValue(value.copy());
            properties.add(property);
        }
    }

    /**
     * HAPI's result writes properties only as string, boolean, Coding or group; this one keeps each value's FHIR type
     * (code, integer, boolean...), as $lookup defines it, and lets HAPI write the rest of the answer.
     */
    private static final class TypedPropertiesResult extends LookupCodeResult {

        private final List<Parameters.ParametersParameterComponent> properties;

        TypedPropertiesResult(List<Parameters.ParametersParameterComponent> properties) {
            this.properties = properties;
        }

        @Override
        public IBaseParameters toParameters(
                FhirContext fhirContext, List<? extends IPrimitiveType<String>> propertyNames) {
            Parameters parameters = (Parameters) super.toParameters(fhirContext, propertyNames);
            properties.forEach(property -> parameters.addParameter(property.copy()));
            return parameters;
        }
    }
}
