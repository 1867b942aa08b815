package org.resistancecds.knowledge.plan;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Resource;

/**
 * What one evaluation's expressions see: the focus ({@code %context}, the Patient) and the named variables
 * ({@code %status}, {@code %mechanisms}...), plus the resources {@code resolve()} may reach.
 */
public record ExpressionContext(Resource focus, Map<String, List<Base>> variables, Map<String, Resource> resolvable) {

    public ExpressionContext {
        variables.forEach(ExpressionEngine::requireDeclaredType);
        variables = Map.copyOf(variables);
        resolvable = Map.copyOf(resolvable);
    }
}
