package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;
import org.resistancecds.cds.prefetch.RepositoryReader;
import org.resistancecds.operations.PatientDataLoader;
import org.springframework.beans.factory.annotation.Autowired;

/** A patient's record is read as of one moment on H2 (PostgresIT checks the same on PostgreSQL). */
class RecordSnapshotIT extends AbstractServerIT {

    /** AbstractServerIT's maximum-pool-size. */
    private static final int POOL_SIZE = 10;

    @Autowired
    private IInterceptorService storageInterceptors;

    @Autowired
    private RepositoryReader repositoryReader;

    @Autowired
    private PatientDataLoader patientDataLoader;

    @Autowired
    private DataSource dataSource;

    @Test
    void cdsPrefetchFromTheRepositoryStillSeesAnObservationDeletedDuringTheRead() throws Exception {
        scenarios().prefetchKeepsAnObservationDeletedDuringTheRead(repositoryReader);
        assertEveryPooledConnectionIsAtTheDefaultIsolation();
    }

    @Test
    void theEnginesRecordLeavesOutAnObservationStoredDuringTheRead() throws Exception {
        scenarios().engineRecordLeavesOutAnObservationStoredDuringTheRead(patientDataLoader);
        assertEveryPooledConnectionIsAtTheDefaultIsolation();
    }

    private RecordReadsDuringWrites scenarios() {
        return new RecordReadsDuringWrites(fhirClient(), storageInterceptors);
    }

    /** The snapshot's level must not stay on a connection that HAPI's writes borrow next. */
    private void assertEveryPooledConnectionIsAtTheDefaultIsolation() throws Exception {
        List<Connection> borrowed = new ArrayList<>();
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                borrowed.add(dataSource.getConnection());
            }
            assertThat(borrowed).extracting(Connection::getTransactionIsolation)
                    .containsOnly(Connection.TRANSACTION_READ_COMMITTED);
        } finally {
            for (Connection connection : borrowed) {
                connection.close();
            }
        }
    }
}
