package org.resistancecds.knowledge.plan;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.exceptions.PathEngineException;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses.FunctionDetails;
import org.hl7.fhir.r4.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.fhirpath.FHIRPathConstantEvaluationMode;
import org.resistancecds.knowledge.KnowledgeException;

/**
 * HAPI's R4 FHIRPath engine, used the way the architecture asks: every condition is parsed and type-checked once
 * at load, against the declared types of the variables, and evaluated in memory against an
 * {@link ExpressionContext}, with no database access. An unknown {@code %variable}, an element name no type
 * has (which would otherwise make the condition silently false) or a result other than one boolean fail at load;
 * an evaluation error is an error, never an empty result.
 */
public final class ExpressionEngine {

    /** The variables the engine provides, with the FHIR type of their items; knowledge may use no other. */
    public static final Map<String, String> VARIABLES = Map.ofEntries(
            Map.entry("status", "Observation"),
            Map.entry("statusCode", "string"),
            Map.entry("mechanisms", "Observation"),
            Map.entry("draftOrders", "Resource"),
            Map.entry("draftMedications", "CodeableConcept"),
            Map.entry("draftAgentTargets", "Coding"),
            Map.entry("unidentifiedDraftMedications", "CodeableConcept"),
            Map.entry("iciAgents", "Coding"),
            Map.entry("record", "Resource"),
            Map.entry("findings", "Observation"),
            Map.entry("germlineFindings", "Observation"),
            Map.entry("emergentVariants", "Observation"),
            Map.entry("emergentWatchVariants", "Observation"),
            Map.entry("patient", "Patient"));

    /** Variables that hold at most one item. */
    private static final Set<String> SINGLE = Set.of("status", "statusCode", "patient");

    private static final Set<String> BOOLEAN_TYPES =
            Set.of(TypeDetails.FP_Boolean, TypeDetails.FHIR_NS + "boolean");

    /** Names the FHIRPath engine itself resolves. */
    private static final Set<String> BUILT_IN = Set.of("context", "resource", "rootResource", "ucum", "sct", "loinc", "us-zip");

    private final FHIRPathEngine engine;

    public ExpressionEngine(FhirContext fhirContext) {
        // Type definitions come from the core specification in memory: conditions never reach the database.
        engine = new FHIRPathEngine(new HapiWorkerContext(fhirContext, new DefaultProfileValidationSupport(fhirContext)));
        engine.setHostServices(new Host());
    }

    public CompiledExpression compile(String text, String location) {
        ExpressionNode node;
        try {
            node = engine.parse(text);
        } catch (RuntimeException e) {
            throw new KnowledgeException(location + ": FHIRPath does not parse: " + e.getMessage() + " in: " + text, e);
        }
        List<String> constants = new ArrayList<>();
        collectConstants(node, constants);
        for (String constant : constants) {
            String name = constant.substring(1).replace("`", "").replace("'", "");
            if (!VARIABLES.containsKey(name) && !BUILT_IN.contains(name)) {
                throw new KnowledgeException(location + ": unknown variable " + constant + " (known: "
                        + new TreeSet<>(VARIABLES.keySet()) + ")");
            }
        }
        requireOneBoolean(node, text, location);
        return new CompiledExpression(text, node, location);
    }

    /**
     * Type-checks a condition with the focus a Patient and the variables as declared: element names must exist
     * on the types they are asked of, and the result must be one boolean.
     */
    private void requireOneBoolean(ExpressionNode node, String text, String location) {
        TypeDetails result;
        try {
            result = engine.check(null, "Patient", "Patient", "Patient", node);
        } catch (RuntimeException e) {
            throw new KnowledgeException(location + ": FHIRPath does not fit the types of the focus and variables: "
                    + e.getMessage() + " in: " + text, e);
        }
        boolean oneBoolean = !result.getTypes().isEmpty()
                && BOOLEAN_TYPES.containsAll(result.getTypes())
                && result.getCollectionStatus() == ExpressionNode.CollectionStatus.SINGLETON;
        if (!oneBoolean) {
            boolean single = result.getCollectionStatus() == ExpressionNode.CollectionStatus.SINGLETON;
            throw new KnowledgeException(location + ": condition must give one boolean, gives "
                    + (single ? "" : "a collection of ") + result.describe()
                    + " (use exists(), empty() or a comparison): " + text);
        }
    }

    /** Fails when an evaluation's variable holds items of another type than declared, which the check relies on. */
    static void requireDeclaredType(String name, List<Base> values) {
        String type = VARIABLES.get(name);
        if (type == null) {
            throw new IllegalArgumentException("No variable %" + name + " is declared");
        }
        if (SINGLE.contains(name) && values.size() > 1) {
            throw new IllegalArgumentException(
                    "Variable %" + name + " holds " + values.size() + " items, declared single");
        }
        for (Base value : values) {
            boolean fits = type.equals(value.fhirType()) || "Resource".equals(type) && value instanceof Resource;
            if (!fits) {
                throw new IllegalArgumentException("Variable %" + name + " holds a " + value.fhirType() + ", declared " + type);
            }
        }
    }

    /** Evaluates a condition: true, false (also for an empty result), or an error for anything else. */
    public boolean test(CompiledExpression expression, ExpressionContext context) {
        List<Base> result = evaluate(expression, context);
        if (result.isEmpty()) {
            return false;
        }
        if (result.size() == 1 && result.get(0) instanceof BooleanType bool && bool.hasValue()) {
            return bool.booleanValue();
        }
        throw new KnowledgeException(expression.location() + ": condition must give one boolean, gave "
                + result.size() + " item(s) of type " + result.get(0).fhirType() + ": " + expression.text());
    }

    public List<Base> evaluate(CompiledExpression expression, ExpressionContext context) {
        try {
            return engine.evaluate(context, context.focus(), context.focus(), context.focus(), expression.node());
        } catch (RuntimeException e) {
            throw new KnowledgeException(
                    expression.location() + ": FHIRPath evaluation failed: " + e.getMessage() + " in: " + expression.text(), e);
        }
    }

    private static void collectConstants(ExpressionNode node, List<String> into) {
        if (node == null) {
            return;
        }
        if (node.getKind() == ExpressionNode.Kind.Constant && node.getConstant() != null) {
            String value = node.getConstant().primitiveValue();
            if (value != null && value.startsWith("%")) {
                into.add(value);
            }
        }
        if (node.getKind() == ExpressionNode.Kind.Name && node.getName() != null && node.getName().startsWith("%")) {
            into.add(node.getName());
        }
        collectConstants(node.getInner(), into);
        collectConstants(node.getGroup(), into);
        collectConstants(node.getOpNext(), into);
        if (node.getParameters() != null) {
            node.getParameters().forEach(p -> collectConstants(p, into));
        }
    }

    /** Resolves our variables from the evaluation's context; everything else is unsupported and says so. */
    private static final class Host implements IHostApplicationServices {

        @Override
        public List<Base> resolveConstant(FHIRPathEngine engine, Object appContext, String name,
                FHIRPathConstantEvaluationMode mode) throws PathEngineException {
            if (mode != FHIRPathConstantEvaluationMode.EXPLICIT) {
                // Bare names are element paths, never our variables: an empty answer lets the engine go on.
                return List.of();
            }
            String key = name.startsWith("%") ? name.substring(1) : name;
            ExpressionContext context = (ExpressionContext) appContext;
            List<Base> value = context.variables().get(key);
            if (value == null) {
                throw new PathEngineException("Variable %" + key + " is not available for this evaluation");
            }
            return value;
        }

        @Override
        public TypeDetails resolveConstantType(FHIRPathEngine engine, Object appContext, String name,
                FHIRPathConstantEvaluationMode mode) {
            String key = name.startsWith("%") ? name.substring(1) : name;
            String type = mode == FHIRPathConstantEvaluationMode.EXPLICIT ? VARIABLES.get(key) : null;
            if (type == null) {
                return null;
            }
            return new TypeDetails(SINGLE.contains(key)
                    ? ExpressionNode.CollectionStatus.SINGLETON : ExpressionNode.CollectionStatus.ORDERED, type);
        }

        @Override
        public boolean log(String argument, List<Base> focus) {
            return false;
        }

        @Override
        public FunctionDetails resolveFunction(FHIRPathEngine engine, String functionName) {
            return null;
        }

        @Override
        public TypeDetails checkFunction(FHIRPathEngine engine, Object appContext, String functionName,
                TypeDetails focus, List<TypeDetails> parameters) throws PathEngineException {
            throw new PathEngineException("Unknown function " + functionName);
        }

        @Override
        public List<Base> executeFunction(FHIRPathEngine engine, Object appContext, List<Base> focus,
                String functionName, List<List<Base>> parameters) {
            throw new FHIRException("Unknown function " + functionName);
        }

        @Override
        public Base resolveReference(FHIRPathEngine engine, Object appContext, String url, Base refContext) {
            Resource target = ((ExpressionContext) appContext).resolvable().get(url);
            if (target == null) {
                throw new FHIRException("resolve(): " + url + " is not in the patient's record");
            }
            return target;
        }

        @Override
        public boolean conformsToProfile(FHIRPathEngine engine, Object appContext, Base item, String url) {
            throw new FHIRException("conformsTo() is not supported by this engine");
        }

        @Override
        public ValueSet resolveValueSet(FHIRPathEngine engine, Object appContext, String url) {
            return null;
        }

        @Override
        public boolean paramIsType(String name, int index) {
            return false;
        }
    }
}
