package org.resistancecds.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one verified access token lets its bearer do: who it is, the patient it is limited to (if any) and its
 * resource scopes. Built from the token's claims; holds no token text.
 *
 * @param subject the {@code sub} claim
 * @param client the OAuth client ({@code client_id}, else {@code azp})
 * @param patient the patient of patient-level scopes, from the configured claim; null when the token has none
 * @param scopes the resource scopes granted (others, such as {@code openid}, dropped)
 */
public record FhirAccess(String subject, String client, String patient, List<SmartScope> scopes) {

    /** Request attribute under which the current request's access is kept once its token is verified. */
    public static final String ATTRIBUTE = FhirAccess.class.getName();

    public FhirAccess {
        scopes = List.copyOf(scopes);
    }

    /** Reads the standard claims: {@code scope} (space-separated) or {@code scp} (a list), {@code sub}, client. */
    public static FhirAccess fromClaims(Map<String, Object> claims, String patientClaim) {
        List<SmartScope> scopes = new ArrayList<>();
        for (String text : scopeStrings(claims)) {
            SmartScope.parse(text).ifPresent(scopes::add);
        }
        String client = text(claims.get("client_id"));
        if (client == null) {
            client = text(claims.get("azp"));
        }
        return new FhirAccess(text(claims.get("sub")), client, text(claims.get(patientClaim)), scopes);
    }

    /** True when some scope of the level grants the permission on the type. */
    public boolean allows(SmartScope.Level level, String type, SmartScope.Permission permission) {
        if (level == SmartScope.Level.PATIENT && patient == null) {
            return false;
        }
        return scopes.stream().anyMatch(s -> s.level() == level && s.appliesTo(type)
                && s.permissions().contains(permission));
    }

    /** True when a user- or system-level scope grants the permission on the type: it reaches every patient. */
    public boolean allowsAcrossPatients(String type, SmartScope.Permission permission) {
        return allows(SmartScope.Level.USER, type, permission) || allows(SmartScope.Level.SYSTEM, type, permission);
    }

    /** True when any usable scope (at any level) grants the permission on the type. */
    public boolean allowsAnywhere(String type, SmartScope.Permission permission) {
        for (SmartScope.Level level : SmartScope.Level.values()) {
            if (allows(level, type, permission)) {
                return true;
            }
        }
        return false;
    }

    /** True when the token reaches beyond one patient (user or system scopes). */
    public boolean hasWideScopes() {
        return scopes.stream().anyMatch(s -> s.level() != SmartScope.Level.PATIENT);
    }

    /** Patient-level scopes usable only with a patient; without the claim they grant nothing. */
    public Optional<String> patientId() {
        return Optional.ofNullable(patient);
    }

    private static List<String> scopeStrings(Map<String, Object> claims) {
        List<String> strings = new ArrayList<>();
        Object scope = claims.get("scope");
        if (scope instanceof String text) {
            strings.addAll(List.of(text.trim().split("\\s+")));
        } else if (scope instanceof Collection<?> list) {
            list.forEach(item -> strings.add(String.valueOf(item)));
        }
        if (claims.get("scp") instanceof Collection<?> list) {
            list.forEach(item -> strings.add(String.valueOf(item)));
        }
        return strings;
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value).strip();
        return text.isEmpty() ? null : text;
    }
}
