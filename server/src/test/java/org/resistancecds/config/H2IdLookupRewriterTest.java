package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class H2IdLookupRewriterTest {

    /** The statement HAPI 8.8's IdHelperService had Hibernate generate for two ids (seen in the SQL log). */
    private static final String HAPI_LOOKUP = "select rt1_0.RES_ID,rt1_0.RES_TYPE,rt1_0.FHIR_ID,rt1_0.RES_DELETED_AT,"
            + "rt1_0.PARTITION_ID from HFJ_RESOURCE rt1_0 where (rt1_0.RES_TYPE=? and rt1_0.FHIR_ID=? or "
            + "rt1_0.RES_TYPE=? and rt1_0.FHIR_ID=?)";

    private final H2IdLookupRewriter rewriter = new H2IdLookupRewriter();
    private Connection h2;

    @BeforeEach
    void store() throws Exception {
        h2 = DriverManager.getConnection("jdbc:h2:mem:rewriter-" + System.nanoTime());
        try (Statement sql = h2.createStatement()) {
            sql.execute("create table HFJ_RESOURCE (RES_ID bigint primary key, RES_TYPE varchar(40), "
                    + "FHIR_ID varchar(64), RES_DELETED_AT timestamp, PARTITION_ID int)");
            sql.execute("create unique index IDX_RES_TYPE_FHIR_ID on HFJ_RESOURCE (RES_TYPE, FHIR_ID)");
            sql.execute("insert into HFJ_RESOURCE select x, case when mod(x, 3) = 0 then 'Patient' else "
                    + "'Observation' end, cast(x as varchar), null, null from system_range(1, 3000)");
        }
    }

    @AfterEach
    void close() throws Exception {
        h2.close();
    }

    @Test
    void turnsHapisOrChainIntoRowValues() {
        assertThat(rewriter.inspect(HAPI_LOOKUP)).endsWith(
                "from HFJ_RESOURCE rt1_0 where ((rt1_0.RES_TYPE,rt1_0.FHIR_ID) in ((?,?),(?,?)))");
        String three = HAPI_LOOKUP.replace("FHIR_ID=?)", "FHIR_ID=? or rt1_0.RES_TYPE=? and rt1_0.FHIR_ID=?)");
        assertThat(rewriter.inspect(three)).endsWith("in ((?,?),(?,?),(?,?)))");
    }

    @Test
    void leavesEveryOtherStatementAlone() {
        String one = "select rt1_0.RES_ID from HFJ_RESOURCE rt1_0 where (rt1_0.RES_TYPE=? and rt1_0.FHIR_ID=?)";
        String idsOnly = "select rt1_0.RES_ID from HFJ_RESOURCE rt1_0 where (rt1_0.FHIR_ID=? or rt1_0.FHIR_ID=?)";
        String mixed = "select rt1_0.RES_ID from HFJ_RESOURCE rt1_0 where (rt1_0.RES_TYPE=? and rt1_0.FHIR_ID=? "
                + "or rt1_0.FHIR_ID=?)";
        String otherAlias = "select a.RES_ID from HFJ_RESOURCE a, HFJ_RESOURCE b where (a.RES_TYPE=? and "
                + "b.FHIR_ID=? or a.RES_TYPE=? and b.FHIR_ID=?)";
        for (String sql : List.of(one, idsOnly, mixed, otherAlias, "insert into HFJ_RESOURCE values (?,?,?,?,?)")) {
            assertThat(rewriter.inspect(sql)).isEqualTo(sql);
        }
    }

    @Test
    void rewrittenLookupUsesTheIndexAndFindsTheSameRows() throws Exception {
        String rewritten = rewriter.inspect(HAPI_LOOKUP);
        List<String> binds = List.of("Patient", "3", "Observation", "4");

        assertThat(run(HAPI_LOOKUP, binds)).containsExactlyInAnyOrder("Patient/3", "Observation/4");
        assertThat(run(rewritten, binds)).containsExactlyInAnyOrder("Patient/3", "Observation/4");
        assertThat(run(rewritten, List.of("Patient", "4", "Observation", "4"))).containsExactly("Observation/4");

        // H2 names an index condition in the plan when it seeks; a bare index name means it reads them all.
        assertThat(plan(HAPI_LOOKUP, binds)).doesNotContain("IDX_RES_TYPE_FHIR_ID: ");
        assertThat(plan(rewritten, binds)).contains("IDX_RES_TYPE_FHIR_ID: ");
    }

    private List<String> run(String sql, List<String> binds) throws Exception {
        List<String> found = new ArrayList<>();
        try (PreparedStatement statement = bound(sql, binds); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                found.add(rows.getString("RES_TYPE") + "/" + rows.getString("FHIR_ID"));
            }
        }
        return found;
    }

    private String plan(String sql, List<String> binds) throws Exception {
        try (PreparedStatement statement = bound("explain " + sql, binds); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }

    private PreparedStatement bound(String sql, List<String> binds) throws Exception {
        PreparedStatement statement = h2.prepareStatement(sql);
        for (int i = 0; i < binds.size(); i++) {
            statement.setString(i + 1, binds.get(i));
        }
        return statement;
    }
}
