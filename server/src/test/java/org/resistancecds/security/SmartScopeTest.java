package org.resistancecds.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resistancecds.security.SmartScope.Level;
import org.resistancecds.security.SmartScope.Permission;

class SmartScopeTest {

    @Test
    void v2ScopesGiveExactlyTheirLetters() {
        assertThat(SmartScope.parse("patient/*.rs")).contains(
                new SmartScope(Level.PATIENT, "*", EnumSet.of(Permission.READ, Permission.SEARCH)));
        assertThat(SmartScope.parse("user/Observation.cruds")).contains(
                new SmartScope(Level.USER, "Observation", EnumSet.allOf(Permission.class)));
        assertThat(SmartScope.parse("system/Patient.r")).contains(
                new SmartScope(Level.SYSTEM, "Patient", EnumSet.of(Permission.READ)));
        assertThat(SmartScope.parse("patient/Observation.cu")).contains(
                new SmartScope(Level.PATIENT, "Observation", EnumSet.of(Permission.CREATE, Permission.UPDATE)));
    }

    @Test
    void v1ScopesMapToTheirV2Equivalents() {
        assertThat(SmartScope.parse("patient/*.read").orElseThrow().permissions())
                .containsExactlyInAnyOrder(Permission.READ, Permission.SEARCH);
        assertThat(SmartScope.parse("user/*.write").orElseThrow().permissions())
                .containsExactlyInAnyOrder(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
        assertThat(SmartScope.parse("system/*.*").orElseThrow().permissions())
                .containsExactlyInAnyOrderElementsOf(EnumSet.allOf(Permission.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "openid", "fhirUser", "launch/patient", "offline_access", "patient/*.sr", "patient/*.rr", "patient/*.",
        "patient/*.x", "patient/observation.rs", "admin/*.rs", "patient/Observation.rs?category=laboratory",
        "patient/*.readwrite", "patient/*.rs ", "", "user/*.cruds/extra"
    })
    void anythingElseGrantsNothing(String scope) {
        assertThat(SmartScope.parse(scope)).isEmpty();
    }

    @Test
    void accessReadsScopeStringAndScpList() {
        FhirAccess fromString = FhirAccess.fromClaims(
                Map.of("sub", "u1", "scope", "openid patient/Observation.rs  user/Patient.read", "patient", "p1",
                        "client_id", "app"),
                "patient");
        assertThat(fromString.scopes()).hasSize(2);
        assertThat(fromString.patient()).isEqualTo("p1");
        assertThat(fromString.client()).isEqualTo("app");
        assertThat(fromString.allows(Level.PATIENT, "Observation", Permission.SEARCH)).isTrue();
        assertThat(fromString.allows(Level.PATIENT, "Observation", Permission.CREATE)).isFalse();
        assertThat(fromString.allows(Level.PATIENT, "Condition", Permission.READ)).isFalse();
        assertThat(fromString.allows(Level.USER, "Patient", Permission.READ)).isTrue();

        FhirAccess fromList = FhirAccess.fromClaims(
                Map.of("sub", "s1", "scp", List.of("system/*.rs"), "azp", "backend"), "patient");
        assertThat(fromList.client()).isEqualTo("backend");
        assertThat(fromList.allowsAnywhere("Condition", Permission.SEARCH)).isTrue();
        assertThat(fromList.hasWideScopes()).isTrue();
    }

    @Test
    void patientScopesWithoutThePatientClaimGrantNothing() {
        FhirAccess access = FhirAccess.fromClaims(Map.of("sub", "u", "scope", "patient/*.cruds"), "patient");
        assertThat(access.allowsAnywhere("Observation", Permission.READ)).isFalse();
        assertThat(access.patientId()).isEmpty();
    }

    @Test
    void thePatientClaimIsConfigurable() {
        FhirAccess access = FhirAccess.fromClaims(
                Map.of("scope", "patient/*.rs", "patient", "wrong", "launch_patient", "p9"), "launch_patient");
        assertThat(access.patient()).isEqualTo("p9");
        assertThat(Set.copyOf(access.scopes())).hasSize(1);
    }
}
