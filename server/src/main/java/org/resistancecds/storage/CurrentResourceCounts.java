package org.resistancecds.storage;

import ca.uhn.fhir.jpa.util.ResourceCountCache;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What {@code $get-resource-counts} answers: how many resources of each type are stored and not deleted, counted
 * again when the last count is older than the given age. HAPI's cache was filled only by a job every 10 minutes,
 * kept its count for 4 hours and counted deleted resources: for the first 10 minutes after a start the operation
 * answered an empty Parameters, and afterwards counts up to 4 hours old.
 */
public class CurrentResourceCounts extends ResourceCountCache {

    private static final String COUNT_CURRENT =
            "SELECT RES_TYPE, COUNT(*) FROM HFJ_RESOURCE WHERE RES_DELETED_AT IS NULL GROUP BY RES_TYPE";

    public CurrentResourceCounts(DataSource dataSource, Duration maxAge) {
        super(() -> count(new JdbcTemplate(dataSource)));
        setCacheMillis(maxAge.toMillis());
    }

    private static Map<String, Long> count(JdbcTemplate jdbc) {
        Map<String, Long> counts = new TreeMap<>();
        jdbc.query(COUNT_CURRENT, row -> {
            counts.put(row.getString(1), row.getLong(2));
        });
        return counts;
    }

    @Override
    public synchronized Map<String, Long> get() {
        update();
        return super.get();
    }
}
