package org.resistancecds.storage;

import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads one patient's record, query after query, as the database held it at the first of them.
 *
 * <p>A record takes several searches (the Patient, its Observations, its medication resources...). At the databases'
 * default isolation each search sees what was committed when it ran, so a write committed between two of them showed
 * up in one and not in the other: the end of a load without its start, or the Patient of a record being deleted with
 * none of its data. One read-only transaction at snapshot isolation makes them one view:
 * <ul>
 *   <li>PostgreSQL: REPEATABLE READ, its snapshot (SERIALIZABLE could fail a read-only transaction);</li>
 *   <li>H2: SERIALIZABLE. H2's REPEATABLE READ fixes a table's view only at the table's first read, so a table read
 *       after another transaction's commit showed that commit (checked on H2 2.3.232); SERIALIZABLE, read-only,
 *       reads every table as of the transaction's first statement and does not make writers wait.</li>
 * </ul>
 * Other databases keep their default. A read called inside a transaction already open joins it, as it is.
 *
 * <p>The level is set on the transaction's connection before its first statement, not through Spring's transaction
 * definition: HAPI's Hibernate settings hand the connection back after each transaction, with which Spring's JPA
 * dialect refuses custom isolation levels. The pool (Hikari) puts the connection's default level back when the
 * connection returns to it.
 */
public final class RecordSnapshot {

    private final TransactionTemplate readOnly;
    private final EntityManagerFactory entityManagerFactory;
    private final int isolation;

    public RecordSnapshot(PlatformTransactionManager transactions, EntityManagerFactory entityManagerFactory,
            DataSource dataSource) {
        this.readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);
        this.entityManagerFactory = entityManagerFactory;
        this.isolation = snapshotIsolation(DatabaseProduct.of(dataSource));
    }

    /** The JDBC isolation level that gives a read-only transaction one snapshot on the named database, or none. */
    static int snapshotIsolation(String databaseProduct) {
        return switch (databaseProduct) {
            case "PostgreSQL" -> Connection.TRANSACTION_REPEATABLE_READ;
            case "H2" -> Connection.TRANSACTION_SERIALIZABLE;
            default -> Connection.TRANSACTION_NONE;
        };
    }

    public <T> T read(Supplier<T> reads) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return reads.get();
        }
        return readOnly.execute(status -> {
            if (isolation != Connection.TRANSACTION_NONE) {
                EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagerFactory).unwrap(Session.class)
                        .doWork(connection -> connection.setTransactionIsolation(isolation));
            }
            return reads.get();
        });
    }
}
