package org.resistancecds.storage;

import jakarta.persistence.EntityManagerFactory;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The JPA transaction manager, plus: on an embedded H2 file database, a transaction that changed something returns
 * from its commit only once its changes are in the file (see {@link H2CommitFlusher}). Other databases commit as
 * usual. When the write fails (a full disk, say) the commit fails too: nothing is acknowledged that may be lost.
 */
public class DurableCommitTransactionManager extends JpaTransactionManager {

    public DurableCommitTransactionManager(EntityManagerFactory entityManagerFactory) {
        super(entityManagerFactory);
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        // Found before the commit: Hibernate may hand its connection back as part of committing.
        Optional<H2CommitFlusher> flusher = status.isReadOnly() ? Optional.empty() : h2Flusher();
        super.doCommit(status);
        flusher.ifPresent(DurableCommitTransactionManager::flush);
    }

    private Optional<H2CommitFlusher> h2Flusher() {
        DataSource dataSource = getDataSource();
        if (dataSource == null
                || !(TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder holder)) {
            return Optional.empty();
        }
        try {
            return H2CommitFlusher.beforeCommit(holder.getConnection());
        } catch (SQLException e) {
            // Not a TransactionException, so Spring rolls the transaction back.
            throw new IllegalStateException("Could not reach the H2 store to make this commit durable", e);
        }
    }

    private static void flush(H2CommitFlusher flusher) {
        try {
            flusher.afterCommit();
        } catch (RuntimeException e) {
            throw new TransactionSystemException("Committed in memory, but the H2 file could not be written", e);
        }
    }
}
