package org.resistancecds.knowledgepage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * Absolute links to this server's knowledge pages, for cards whose evidence has no verified DOI: the knowledge's
 * canonical URLs name it but resolve nowhere, and a card's {@code source.url} must open in the clinician's browser.
 */
public final class KnowledgePageLinks {

    public static final String PATH = "/knowledge";

    private static final String PLAN_PREFIX = KnowledgeCodes.BASE + "/PlanDefinition/";

    private final Supplier<String> serverBase;

    /** @param serverBase this server's public base URL (scheme, host, port, context path), asked at each link */
    public KnowledgePageLinks(Supplier<String> serverBase) {
        this.serverBase = serverBase;
    }

    public static KnowledgePageLinks at(String serverBase) {
        return new KnowledgePageLinks(() -> serverBase);
    }

    /** The page listing every PlanDefinition. */
    public String index() {
        return base() + PATH + "/";
    }

    /** The section about one action on its PlanDefinition's page; the index for a plan that is not ours. */
    public String action(String planCanonical, String actionId) {
        String id = pageId(planCanonical);
        if (id == null) {
            return index();
        }
        String page = base() + PATH + "/" + encode(id);
        return actionId == null || actionId.isBlank() ? page : page + "#" + encode(actionId);
    }

    /** The page id of one of our PlanDefinitions (its canonical's last segment, version dropped); null for others. */
    static String pageId(String planCanonical) {
        if (planCanonical == null || !planCanonical.startsWith(PLAN_PREFIX)) {
            return null;
        }
        String id = planCanonical.substring(PLAN_PREFIX.length());
        int version = id.indexOf('|');
        return version < 0 ? id : id.substring(0, version);
    }

    /** The PlanDefinition a page id stands for. */
    static String canonical(String pageId) {
        return PLAN_PREFIX + pageId;
    }

    private String base() {
        String base = serverBase.get();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
