package org.resistancecds.storage;

import jakarta.persistence.EntityManagerFactory;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The JPA transaction manager, plus: on an embedded H2 file database, a transaction that may have written returns
 * from its commit only once its changes are in the file (see {@link H2CommitFlusher}). Other databases commit as
 * usual.
 */
public class DurableCommitTransactionManager extends JpaTransactionManager {

    private static final Logger log = LoggerFactory.getLogger(DurableCommitTransactionManager.class);

    public DurableCommitTransactionManager(EntityManagerFactory entityManagerFactory) {
        super(entityManagerFactory);
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        // Found before the commit: Hibernate may hand its connection back as part of committing.
        Optional<MVStore> store = status.isReadOnly() ? Optional.empty() : delayedH2Store();
        super.doCommit(status);
        store.ifPresent(this::flush);
    }

    private Optional<MVStore> delayedH2Store() {
        DataSource dataSource = getDataSource();
        if (dataSource == null
                || !(TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder holder)) {
            return Optional.empty();
        }
        try {
            return H2CommitFlusher.delayedStoreOf(holder.getConnection());
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not reach the H2 store to write this commit through; H2 writes it within its write delay",
                    e);
            return Optional.empty();
        }
    }

    private void flush(MVStore store) {
        try {
            H2CommitFlusher.flush(store);
        } catch (RuntimeException e) {
            // The transaction is committed; failing the request now would report a stored write as failed.
            log.error("Committed, but writing the commit to the H2 file failed; H2 retries within its write delay", e);
        }
    }
}
