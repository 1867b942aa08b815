package org.resistancecds.config;

import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * Rewrites HAPI's look-up of several resources by type and id for H2. HAPI asks for them as
 * {@code (t.RES_TYPE=? and t.FHIR_ID=? or t.RES_TYPE=? and t.FHIR_ID=? ...)}, which H2 cannot answer from the
 * (RES_TYPE, FHIR_ID) index: it reads every row of HFJ_RESOURCE instead, so each transaction that refers to two or
 * more stored resources (every re-evaluation that writes is one) got slower as the store grew. The same condition
 * written as a row-value list, {@code (t.RES_TYPE,t.FHIR_ID) in ((?,?),(?,?) ...)}, binds the same parameters in
 * the same order and H2 answers it from the index. Any other statement passes unchanged.
 */
public final class H2IdLookupRewriter implements StatementInspector {

    private static final Pattern LOOKUP = Pattern.compile(
            "\\((\\w+)\\.RES_TYPE=\\? and \\1\\.FHIR_ID=\\?(?: or \\1\\.RES_TYPE=\\? and \\1\\.FHIR_ID=\\?)+\\)");
    private static final String ONE_ID = "FHIR_ID=?";

    @Override
    public String inspect(String sql) {
        if (!sql.contains(ONE_ID + " or ")) {
            return sql;
        }
        return LOOKUP.matcher(sql).replaceAll(lookup -> {
            String alias = lookup.group(1);
            // One "(?,?)" per type-and-id pair; the pattern guarantees the pairs are joined by " or ".
            int pairs = lookup.group().split(" or ").length;
            String rowValues = String.join(",", Collections.nCopies(pairs, "(?,?)"));
            return Matcher.quoteReplacement("((" + alias + ".RES_TYPE," + alias + ".FHIR_ID) in (" + rowValues + "))");
        });
    }
}
