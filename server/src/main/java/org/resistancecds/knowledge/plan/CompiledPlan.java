package org.resistancecds.knowledge.plan;

import java.util.List;

/** A PlanDefinition with its actions compiled, in the order they are written. */
public record CompiledPlan(String url, String title, List<CompiledAction> actions) {}
