package org.resistancecds.knowledge.plan;

import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;

/** What a suggested resource is about: the patient, the status it rests on, and when it was proposed. */
public record SuggestionContext(String patientReference, Reference status, DateTimeType authoredOn) {}
