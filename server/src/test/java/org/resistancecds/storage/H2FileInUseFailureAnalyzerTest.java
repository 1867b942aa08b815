package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

class H2FileInUseFailureAnalyzerTest {

    private final H2FileInUseFailureAnalyzer analyzer = new H2FileInUseFailureAnalyzer();

    @Test
    void aLockedFileIsReportedWithWhatToDo() {
        SQLException locked = new SQLNonTransientConnectionException("Database may be already in use: "
                + "\"retry:/srv/data/resistance-cds.mv.db\". Possible solutions: close all other connection(s); use "
                + "the server mode [90020-232]", "90020", H2FileInUseFailureAnalyzer.DATABASE_ALREADY_OPEN);

        FailureAnalysis analysis = analyzer.analyze(new IllegalStateException("Unable to start embedded Tomcat",
                new IllegalStateException("schemaInitLock", locked)));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("in use by another process", "/srv/data/resistance-cds.mv.db")
                .doesNotContain("server mode");
        assertThat(analysis.getAction()).contains("spring.datasource.url", "working directory");
    }

    @Test
    void otherDatabaseFailuresAreLeftToBoot() {
        assertThat(analyzer.analyze(new IllegalStateException(new SQLException("syntax error", "42000", 42001))))
                .isNull();
    }
}
