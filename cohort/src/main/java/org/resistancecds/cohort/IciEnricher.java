package org.resistancecds.cohort;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Calendar;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * Adds an archetype's ICI course, response assessments and resistance findings to a patient's transaction Bundle
 * (ours or Synthea's): each template resource is copied under a new {@code urn:uuid} fullUrl, its references
 * pointed at the patient and at the other copies, its dates moved so that the template's evaluation date falls on
 * the patient's, its PD-(L)1 agent swapped for the drawn one, and our profile claimed where one applies.
 */
public final class IciEnricher {

    private final FhirContext fhirContext;
    private final CohortDesign design;
    private final Set<String> agentCodes;

    public IciEnricher(FhirContext fhirContext, CohortDesign design) {
        this.fhirContext = fhirContext;
        this.design = design;
        this.agentCodes = design.agents().stream().map(agent -> agent.value().getCode()).collect(Collectors.toSet());
    }

    /** What was added: the drawn agent (null if the template has no single PD-(L)1 agent) and the entry count. */
    public record Enrichment(Coding agent, int resourcesAdded) {}

    /**
     * Appends the archetype's resources to {@code transaction} for the patient at {@code patientFullUrl}, dated so
     * that the template's evaluation date becomes {@code asOf}.
     */
    public Enrichment enrich(
            Bundle transaction, String patientFullUrl, Archetype archetype, LocalDate asOf, Random random) {
        FhirTerser terser = fhirContext.newTerser();
        long shiftDays = ChronoUnit.DAYS.between(design.templateAsOf(), asOf);
        Map<String, String> newUrls = new HashMap<>();
        List<Resource> copies = archetype.template().getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(resource -> !"Patient".equals(resource.fhirType()))
                .map(Resource::copy)
                .toList();
        for (Bundle.BundleEntryComponent entry : archetype.template().getEntry()) {
            Resource resource = entry.getResource();
            String key = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            newUrls.put(key, "Patient".equals(resource.fhirType()) ? patientFullUrl : Uuids.urn(random));
        }
        Coding agent = drawAgent(terser, copies, random);
        for (Resource copy : copies) {
            String fullUrl = newUrls.get(copy.fhirType() + "/" + copy.getIdElement().getIdPart());
            copy.setId((String) null);
            pointReferences(terser, copy, newUrls);
            shiftDates(terser, copy, (int) shiftDays);
            if (agent != null) {
                swapAgent(terser, copy, agent);
            }
            claimProfile(copy);
            transaction.addEntry()
                    .setFullUrl(fullUrl)
                    .setResource(copy)
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl(copy.fhirType());
        }
        return new Enrichment(agent, copies.size());
    }

    private void pointReferences(FhirTerser terser, Resource resource, Map<String, String> newUrls) {
        for (var info : terser.getAllResourceReferences(resource)) {
            IBaseReference reference = info.getResourceReference();
            String target = reference.getReferenceElement().getValue();
            if (target != null && newUrls.containsKey(target)) {
                reference.setReference(newUrls.get(target));
            }
        }
    }

    private static void shiftDates(FhirTerser terser, Resource resource, int days) {
        if (days == 0) {
            return;
        }
        for (BaseDateTimeType date : terser.getAllPopulatedChildElementsOfType(resource, BaseDateTimeType.class)) {
            date.add(Calendar.DAY_OF_MONTH, days);
        }
    }

    /** One draw per patient; none when the template names no agent of ours or two different ones (kept as is). */
    private Coding drawAgent(FhirTerser terser, List<Resource> resources, Random random) {
        Set<String> used = new LinkedHashSet<>();
        for (Resource resource : resources) {
            for (CodeableConcept concept : terser.getAllPopulatedChildElementsOfType(resource, CodeableConcept.class)) {
                Coding swappable = swappable(concept);
                if (swappable != null) {
                    used.add(swappable.getCode());
                }
            }
        }
        Coding drawn = Weighted.pick(design.agents(), random);
        return used.size() == 1 ? drawn : null;
    }

    private void swapAgent(FhirTerser terser, Resource resource, Coding agent) {
        for (CodeableConcept concept : terser.getAllPopulatedChildElementsOfType(resource, CodeableConcept.class)) {
            Coding swappable = swappable(concept);
            if (swappable != null) {
                swappable.setCode(agent.getCode()).setDisplay(agent.getDisplay());
                concept.setText(null);
            }
        }
    }

    /** A concept that names only one of the design's agents (a concept with several codings is left alone). */
    private Coding swappable(CodeableConcept concept) {
        if (concept.getCoding().size() != 1) {
            return null;
        }
        Coding coding = concept.getCodingFirstRep();
        String system = design.agents().get(0).value().getSystem();
        return system.equals(coding.getSystem()) && agentCodes.contains(coding.getCode()) ? coding : null;
    }

    private void claimProfile(Resource resource) {
        String profile = design.profileByResourceType().get(resource.fhirType());
        if (resource instanceof Observation observation && observation.getCode().hasCoding()) {
            Coding code = observation.getCode().getCodingFirstRep();
            profile = design.profileByObservationCode().get(code.getSystem() + "|" + code.getCode());
        }
        if (profile != null && !resource.getMeta().hasProfile(profile)) {
            resource.getMeta().addProfile(profile);
        }
    }
}
