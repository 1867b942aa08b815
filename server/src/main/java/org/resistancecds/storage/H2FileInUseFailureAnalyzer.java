package org.resistancecds.storage;

import java.sql.SQLException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A second server started on the same H2 file failed with a stack trace of about 200 lines, the reason at line 160.
 * Spring Boot now reports it in a few lines: which file, and what to do.
 */
public class H2FileInUseFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

    /** H2's DATABASE_ALREADY_OPEN_1: the file is locked by another process. */
    static final int DATABASE_ALREADY_OPEN = 90020;

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
        if (cause.getErrorCode() != DATABASE_ALREADY_OPEN) {
            return null;
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        int advice = message.indexOf(". Possible solutions");
        return new FailureAnalysis(
                "The H2 database file is in use by another process (" + (advice > 0 ? message.substring(0, advice)
                        : message) + ").",
                "Another server, or a compact-h2 run, has this file open. Stop it first, or give this server a "
                        + "database of its own: start it from another working directory (the file is ./data under "
                        + "it), or set spring.datasource.url.",
                cause);
    }
}
