package org.resistancecds.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR resource scope, v2 ({@code patient/Observation.rs}) or v1 ({@code user/*.read}), as a level,
 * a resource type ({@code *} for all) and the permissions it grants.
 *
 * @param level whose data: the token's patient, what the user may see, or the whole system
 * @param resourceType a FHIR resource type, or {@code *}
 * @param permissions what the scope allows on that type
 */
public record SmartScope(Level level, String resourceType, Set<Permission> permissions) {

    /** The scope's first segment. */
    public enum Level { PATIENT, USER, SYSTEM }

    /** SMART v2 permission letters, in the order v2 scopes must write them: c, r, u, d, s. */
    public enum Permission { CREATE, READ, UPDATE, DELETE, SEARCH }

    public static final String ANY_TYPE = "*";

    private static final Pattern SCOPE = Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]+)\\.([a-z*]+)");
    private static final Pattern V2_LETTERS = Pattern.compile("c?r?u?d?s?");

    public SmartScope {
        permissions = Set.copyOf(permissions);
    }

    /**
     * Parses one scope string; empty for anything that is not a resource scope ({@code openid},
     * {@code launch/patient}, {@code offline_access}), for malformed scopes, and for v2 scopes with search
     * parameters ({@code patient/Observation.rs?category=laboratory}), which this server does not enforce and so
     * does not grant (fail closed).
     */
    public static Optional<SmartScope> parse(String scope) {
        Matcher matcher = SCOPE.matcher(scope);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        Level level = Level.valueOf(matcher.group(1).toUpperCase(Locale.ROOT));
        Set<Permission> permissions = permissions(matcher.group(3));
        if (permissions.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SmartScope(level, matcher.group(2), permissions));
    }

    public boolean appliesTo(String type) {
        return ANY_TYPE.equals(resourceType) || resourceType.equals(type);
    }

    private static Set<Permission> permissions(String text) {
        switch (text) {
            case "read":
                return EnumSet.of(Permission.READ, Permission.SEARCH);
            case "write":
                return EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
            case "*":
                return EnumSet.allOf(Permission.class);
            default:
                break;
        }
        if (!V2_LETTERS.matcher(text).matches()) {
            return Set.of();
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (char letter : text.toCharArray()) {
            permissions.add(switch (letter) {
                case 'c' -> Permission.CREATE;
                case 'r' -> Permission.READ;
                case 'u' -> Permission.UPDATE;
                case 'd' -> Permission.DELETE;
                default -> Permission.SEARCH;
            });
        }
        return permissions;
    }

    @Override
    public String toString() {
        return level.name().toLowerCase(Locale.ROOT) + "/" + resourceType + "." + permissions;
    }
}
