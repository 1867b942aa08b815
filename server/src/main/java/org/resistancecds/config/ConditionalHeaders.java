package org.resistancecds.config;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the version a FHIR client names in {@code If-Match}: {@code W/"3"}, {@code "3"} or a bare {@code 3}; and
 * whether the request asked {@code If-Match: *}.
 */
final class ConditionalHeaders {

    /** Quotes in pairs: HAPI reads {@code W/3} or {@code "3} as a version with a quote in it and fails. */
    private static final Pattern VERSION_ETAG =
            Pattern.compile("^\\s*(?:(?:W/)?\"([1-9][0-9]{0,18})\"|([1-9][0-9]{0,18}))\\s*$");

    /** {@code If-Match: *}: any current version (RFC 9110 13.1.1), that is, the resource must exist. */
    static final String ANY = "*";
    /** The request attribute that marks an {@code If-Match: *} taken off the request before HAPI reads it. */
    static final String IF_MATCH_ANY = ConditionalHeaders.class.getName() + ".ifMatchAny";

    private ConditionalHeaders() {}

    /** Whether the request came with {@code If-Match: *}, which {@link MalformedRequestFilter} took off it. */
    static boolean ifMatchAny(RequestDetails request) {
        return request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
                && servlet.getServletRequest().getAttribute(IF_MATCH_ANY) != null;
    }

    /** The version number, or empty when the value is not a version ETag (garbage, a list, {@link #ANY}). */
    static Optional<String> parseVersion(String ifMatch) {
        Matcher matcher = VERSION_ETAG.matcher(ifMatch);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
    }

    /** Why a version precondition cannot go with a conditional delete; follows the header's or field's name. */
    static final String NOT_WITH_CONDITIONAL_DELETE =
            " names one resource's version; it cannot go with a conditional delete. Delete Type/id instead.";

    static String malformed(String ifMatch) {
        return "If-Match must name the version the change is based on, as its ETag (W/\"<versionId>\", the ETag the "
                + "read answered with); got '" + ifMatch + "'. Read the resource to learn its current version.";
    }
}
