package org.resistancecds.security;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleBulkExportWithTarget;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifier;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ValueSet;
import org.resistancecds.operations.EvaluateResistanceProvider;
import org.resistancecds.security.SmartScope.Level;
import org.resistancecds.security.SmartScope.Permission;

/**
 * Turns a token's SMART scopes into HAPI {@code AuthorizationInterceptor} rules for one request. Patient-level
 * scopes become rules limited to the token patient's compartment; user- and system-level scopes apply to any
 * resource of their type. Reads use scopes with {@code r}, searches those with {@code s}. Anything no rule allows
 * is denied.
 */
public final class SmartRules {

    /** Our operation, on a stored patient (reads its data, may store results) or on a given Bundle. */
    static final String EVALUATE = "$evaluate-resistance";
    /** Our operations that read a stored patient's data through the server's own DAOs. */
    private static final List<String> PATIENT_DATA_OPERATIONS = List.of(EVALUATE, "$resistance-timeline");
    /** Operations on conformance and terminology resources: they read no patient data. */
    private static final List<String> TERMINOLOGY_OPERATIONS =
            List.of("$expand", "$lookup", "$validate-code", "$translate");

    private final Set<String> sharedReadTypes;

    /**
     * @param sharedReadTypes types any authenticated token may read and search (conformance, terminology and
     *     knowledge resources, Medication): they hold no patient data
     */
    public SmartRules(Set<String> sharedReadTypes) {
        this.sharedReadTypes = Set.copyOf(sharedReadTypes);
    }

    /** The rules for a request of the given kind made with the given access (null: no token). */
    public List<IAuthRule> build(FhirAccess access, RestOperationTypeEnum operation) {
        RuleBuilder rules = new RuleBuilder();
        rules.allow("capability statement").metadata();
        if (access == null) {
            return rules.denyAll("no access token").build();
        }
        for (String type : sharedReadTypes) {
            rules.allow("shared " + type).read().resourcesOfType(type).withAnyId();
        }
        rules.allow("$validate").operation().named("$validate").onAnyType().andAllowAllResponses();
        for (String name : TERMINOLOGY_OPERATIONS) {
            for (Class<? extends org.hl7.fhir.instance.model.api.IBaseResource> type :
                    List.of(ValueSet.class, CodeSystem.class, ConceptMap.class)) {
                rules.allow(name).operation().named(name).onType(type).andAllowAllResponses();
                rules.allow(name).operation().named(name).onInstancesOfType(type).andAllowAllResponses();
            }
        }
        // Evaluating a Bundle the client sends reads and stores nothing on this server.
        rules.allow(EVALUATE + " on a Bundle").operation().named(EVALUATE).onServer().andAllowAllResponses();
        // Entries of a transaction are checked one by one against the rules below.
        rules.allow("transaction").transaction().withAnyOperation().andApplyNormalRules();

        // Update rules go through UpdateOnlyRule, so they are built apart (see there why).
        RuleBuilder updates = new RuleBuilder();
        Permission readKind = isSearch(operation) ? Permission.SEARCH : Permission.READ;
        IdType patient = access.patientId().map(id -> new IdType("Patient", id)).orElse(null);
        for (SmartScope scope : access.scopes()) {
            if (scope.level() == Level.PATIENT && patient == null) {
                continue;
            }
            String name = scope.toString();
            boolean readable = scope.permissions().contains(readKind)
                    || operation == RestOperationTypeEnum.TRANSACTION
                            && (scope.permissions().contains(Permission.READ)
                                    || scope.permissions().contains(Permission.SEARCH));
            if (readable) {
                limit(types(() -> rules.allow(name).read(), scope), patient, scope);
            }
            if (scope.permissions().contains(Permission.CREATE)) {
                limit(types(() -> rules.allow(name).create(), scope), patient, scope);
            }
            if (scope.permissions().contains(Permission.UPDATE)) {
                limit(types(() -> updates.allow(name).write(), scope), patient, scope);
            }
            if (scope.permissions().contains(Permission.DELETE)) {
                IAuthRuleBuilderRuleOpClassifier delete = scope.resourceType().equals(SmartScope.ANY_TYPE)
                        ? rules.allow(name).delete().allResources()
                        : rules.allow(name).delete().resourcesOfType(scope.resourceType());
                if (scope.level() == Level.PATIENT) {
                    delete.inCompartment("Patient", patient);
                } else {
                    delete.withAnyId();
                }
            }
        }
        // $everything on a stored patient: allowed when the token may read that Patient; every resource of the
        // answer is then checked against the rules above.
        if (access.allows(Level.PATIENT, "Patient", Permission.READ)) {
            rules.allow("$everything").operation().named("$everything").onInstance(patient)
                    .andRequireExplicitResponseAuthorization();
        }
        if (access.allows(Level.USER, "Patient", Permission.READ)
                || access.allows(Level.SYSTEM, "Patient", Permission.READ)) {
            rules.allow("$everything").operation().named("$everything").onInstancesOfType(Patient.class)
                    .andRequireExplicitResponseAuthorization();
        }
        // $evaluate-resistance and $resistance-timeline on a stored patient answer with derived resources
        // (GuidanceResponse, RequestGroup, Parameters) that no read rule covers, and HAPI does not re-check the reads
        // an operation makes once it is allowed: so they are allowed only to a token that may itself read
        // everything they read.
        boolean ownPatientData = canReadPatientData(access, Level.PATIENT);
        boolean anyPatientData = canReadPatientData(access, Level.USER) || canReadPatientData(access, Level.SYSTEM);
        for (String name : PATIENT_DATA_OPERATIONS) {
            if (ownPatientData) {
                rules.allow(name).operation().named(name).onInstance(patient).andAllowAllResponses();
            }
            if (anyPatientData) {
                rules.allow(name).operation().named(name).onInstancesOfType(Patient.class).andAllowAllResponses();
            }
        }
        // Bulk Data export is for backend services: a system-level token, exporting only types it may read (HAPI
        // checks the requested _type against them when the job starts; without _type every type is asked for).
        Set<String> exportable = systemReadableTypes(access);
        if (!exportable.isEmpty()) {
            IAuthRuleBuilderRuleBulkExportWithTarget export = rules.allow("bulk export").bulkExport().any();
            if (!exportable.contains(SmartScope.ANY_TYPE)) {
                export.withResourceTypes(exportable);
            }
            // The kick-off and status requests carry no patient data; what the job may export is the rule above.
            rules.allow("$export").operation().named("$export").onServer().andAllowAllResponses();
            rules.allow("$export").operation().named("$export").onType(Patient.class).andAllowAllResponses();
            rules.allow("$export").operation().named("$export").onInstancesOfType(Group.class).andAllowAllResponses();
            rules.allow("bulk export status").operation().named("$export-poll-status").onServer()
                    .andAllowAllResponses();
        }
        List<IAuthRule> built = new ArrayList<>(rules.build());
        updates.build().forEach(rule -> built.add(new UpdateOnlyRule(rule)));
        built.addAll(new RuleBuilder().denyAll("not granted by the token's scopes").build());
        return built;
    }

    private static Set<String> systemReadableTypes(FhirAccess access) {
        return access.scopes().stream()
                .filter(scope -> scope.level() == Level.SYSTEM && scope.permissions().contains(Permission.READ))
                .map(SmartScope::resourceType)
                .collect(Collectors.toSet());
    }

    private static boolean canReadPatientData(FhirAccess access, Level level) {
        return access.allows(level, "Patient", Permission.READ)
                && EvaluateResistanceProvider.SEARCHED_TYPES.stream()
                        .allMatch(type -> access.allows(level, type, Permission.SEARCH));
    }

    private static boolean isSearch(RestOperationTypeEnum operation) {
        return operation == RestOperationTypeEnum.SEARCH_TYPE
                || operation == RestOperationTypeEnum.SEARCH_SYSTEM
                || operation == RestOperationTypeEnum.GET_PAGE;
    }

    private static IAuthRuleBuilderRuleOpClassifier types(Supplier<IAuthRuleBuilderRuleOp> op, SmartScope scope) {
        return scope.resourceType().equals(SmartScope.ANY_TYPE)
                ? op.get().allResources()
                : op.get().resourcesOfType(scope.resourceType());
    }

    private static void limit(IAuthRuleBuilderRuleOpClassifier rule, IdType patient, SmartScope scope) {
        if (scope.level() == Level.PATIENT) {
            rule.inCompartment("Patient", patient);
        } else {
            rule.withAnyId();
        }
    }
}
