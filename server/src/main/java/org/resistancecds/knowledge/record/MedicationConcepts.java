package org.resistancecds.knowledge.record;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The drug a medication resource names, however it codes it: {@code medicationCodeableConcept}, or
 * {@code medicationReference} to a Medication contained in the resource or among the Medications this instance
 * was given (by {@code Type/id} or the {@code urn:uuid:} of a Bundle entry). Knows no drug: matching the concept
 * to an agent is the caller's business.
 */
public final class MedicationConcepts {

    private final Map<String, Medication> medications = new HashMap<>();

    /** Indexes the Medications among {@code resources}; other resources are ignored. */
    public MedicationConcepts(Collection<? extends Resource> resources) {
        for (Resource resource : resources) {
            if (resource instanceof Medication medication) {
                medications.putIfAbsent(References.of(medication), medication);
            }
        }
    }

    /** The concept of {@code owner}'s {@code medication[x]}; empty when it has none or it cannot be resolved. */
    public Optional<CodeableConcept> of(DomainResource owner) {
        Property property = owner.getNamedProperty("medication[x]");
        if (property == null || !property.hasValues()) {
            return Optional.empty();
        }
        return of(property.getValues().get(0), owner);
    }

    /** The concept a {@code medication[x]} value of {@code owner} names. */
    public Optional<CodeableConcept> of(Base medication, DomainResource owner) {
        if (medication instanceof CodeableConcept concept) {
            return Optional.of(concept);
        }
        if (!(medication instanceof Reference reference) || !reference.hasReference()) {
            return Optional.empty();
        }
        String target = reference.getReference();
        if (target.startsWith("#")) {
            return owner.getContained().stream()
                    .filter(r -> r instanceof Medication && target.substring(1).equals(r.getIdElement().getIdPart()))
                    .map(r -> ((Medication) r).getCode())
                    .findFirst();
        }
        Medication found = medications.get(target);
        if (found == null && reference.getReferenceElement().hasIdPart()) {
            found = medications.get("Medication/" + reference.getReferenceElement().getIdPart());
        }
        return Optional.ofNullable(found).map(Medication::getCode);
    }
}
