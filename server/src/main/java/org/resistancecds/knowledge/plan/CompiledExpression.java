package org.resistancecds.knowledge.plan;

import org.hl7.fhir.r4.fhirpath.ExpressionNode;

/**
 * A FHIRPath expression parsed once, when knowledge loads.
 *
 * @param text the expression as written
 * @param location where it was written, for error messages (PlanDefinition url and action id)
 */
public record CompiledExpression(String text, ExpressionNode node, String location) {}
