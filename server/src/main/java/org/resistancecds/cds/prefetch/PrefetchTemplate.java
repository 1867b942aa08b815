package org.resistancecds.cds.prefetch;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.lang3.StringUtils;
import org.resistancecds.cds.CdsHooksException;
import org.resistancecds.cds.request.HookContext;

/** Fills a prefetch template's tokens ({@code {{context.patientId}}}, {@code {{userPractitionerId}}}, ...). */
public final class PrefetchTemplate {

    private static final Pattern TOKEN = Pattern.compile("\\{\\{\\s*([A-Za-z.]+)\\s*}}");

    private PrefetchTemplate() {}

    /** Returns the query with every token replaced; a token the call cannot fill is a 412. */
    public static String render(String template, HookContext context) {
        Map<String, String> values = tokens(context);
        Matcher matcher = TOKEN.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw CdsHooksException.preconditionFailed("The prefetch query '" + template + "' needs "
                        + matcher.group(1) + ", which this call does not provide, and it was not prefetched.");
            }
            // Values are ids checked by the request parser; encoding keeps any other value inside its parameter.
            matcher.appendReplacement(out, Matcher.quoteReplacement(encode(value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** "The request holds no data for prefetch a, b", to open a 412's reason. */
    public static String notSent(Collection<String> keys) {
        return "The request holds no data for prefetch " + String.join(", ", keys);
    }

    /** The resource type a template or rendered query is about: what comes before its first '/' or '?'. */
    public static String resourceType(String query) {
        int end = StringUtils.indexOfAny(query, '/', '?');
        return end < 0 ? query : query.substring(0, end);
    }

    private static Map<String, String> tokens(HookContext context) {
        Map<String, String> values = new HashMap<>();
        context.tokens().forEach((name, value) -> values.put("context." + name, value));
        String user = context.userId();
        int slash = user.indexOf('/');
        if (slash > 0) {
            String type = user.substring(0, slash);
            String id = user.substring(slash + 1);
            switch (type) {
                case "Practitioner" -> values.put("userPractitionerId", id);
                case "PractitionerRole" -> values.put("userPractitionerRoleId", id);
                case "Patient" -> values.put("userPatientId", id);
                case "RelatedPerson" -> values.put("userRelatedPersonId", id);
                default -> {}
            }
        }
        return values;
    }

    private static String encode(String value) {
        // '/' stays readable in reference values such as Practitioner/123.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("%2F", "/");
    }
}
