package org.resistancecds.cohort;

import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;

/**
 * One kind of patient: a golden scenario's transaction Bundle (the template of the ICI course, response
 * assessments and findings) and what the engine is expected to conclude from it.
 */
public record Archetype(
        String scenario, Bundle template, String expectedStatus, Map<String, String> expectedMechanisms) {}
