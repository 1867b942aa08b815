package org.resistancecds.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hibernate.Session;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps a patient's delete and a write about the patient from both committing without seeing each other.
 *
 * <p>HAPI checks a reference's target when it writes the reference, and a delete checks for references when it
 * deletes; neither sees the other's uncommitted rows. So an Observation stored by one client while another deleted the
 * patient's record could commit beside the deleted Patient, and stay there, found by nobody who reads the record. Now
 * both take the Patient's row lock in the database:
 * <ul>
 *   <li>the delete of a Patient, before HAPI looks for what refers to it, exclusively, until it commits;</li>
 *   <li>a write of a resource in patients' compartments, just before its transaction commits, for those patients
 *       (shared on PostgreSQL; H2 has only the exclusive lock), in id order so two writers cannot deadlock; it then
 *       reads whether the Patient is deleted, and if so fails with 409, nothing stored.</li>
 * </ul>
 * A write that committed first is seen by the delete's check (409 there: the record has data it did not delete); a
 * delete that committed first is seen by the write. Registered with the storage layer, so it covers every write path.
 */
@Interceptor
public final class PatientRowLock {

    private static final String PATIENT_ROW =
            "SELECT RES_DELETED_AT FROM HFJ_RESOURCE WHERE RES_TYPE = 'Patient' AND FHIR_ID = ?";

    private final FhirContext fhirContext;
    private final EntityManagerFactory entityManagerFactory;
    private final String sharedLock;

    /** {@code postgres}: whether writers may share the lock (PostgreSQL's FOR SHARE). */
    public PatientRowLock(FhirContext fhirContext, EntityManagerFactory entityManagerFactory, boolean postgres) {
        this.fhirContext = fhirContext;
        this.entityManagerFactory = entityManagerFactory;
        this.sharedLock = postgres ? " FOR SHARE" : " FOR UPDATE";
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void deleting(IBaseResource resource) {
        if (resource instanceof Patient patient && patient.getIdElement().hasIdPart()) {
            lock(List.of(patient.getIdElement().getIdPart()), " FOR UPDATE");
        }
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        lockAtCommit(resource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource) {
        lockAtCommit(newResource);
    }

    /** A Patient's own update needs none: HAPI's version check already stops it racing the Patient's delete. */
    private void lockAtCommit(IBaseResource resource) {
        if (resource instanceof Patient || !TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        Set<String> patients = PatientCompartment.owners(fhirContext, resource);
        if (patients.isEmpty()) {
            return;
        }
        PatientsOfTransaction current = null;
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (synchronization instanceof PatientsOfTransaction notes && notes.owner() == this) {
                current = notes;
            }
        }
        if (current == null) {
            current = new PatientsOfTransaction(this, new TreeSet<>());
            TransactionSynchronizationManager.registerSynchronization(current);
        }
        current.patients().addAll(patients);
    }

    /** Locks the patients' rows in the transaction in progress; a deleted one fails the write. */
    private void lock(Collection<String> patients, String lockClause) {
        EntityManager entityManager = EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagerFactory);
        if (entityManager == null) {
            // No transaction of Spring's: nothing to hold a lock until a commit (HAPI writes in one).
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            for (String patient : patients) {
                if (deleted(connection, patient, lockClause)) {
                    throw new ResourceVersionConflictException("Patient/" + patient + " was deleted while this write "
                            + "was being stored, so nothing was stored: a patient's data cannot be kept beside its "
                            + "deleted record.");
                }
            }
        });
    }

    private static boolean deleted(Connection connection, String patient, String lockClause)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PATIENT_ROW + lockClause)) {
            statement.setString(1, patient);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getTimestamp(1) != null;
            }
        }
    }

    /** One transaction's patients, in id order, locked just before it commits. */
    private record PatientsOfTransaction(PatientRowLock owner, TreeSet<String> patients)
            implements TransactionSynchronization {

        @Override
        public void beforeCommit(boolean readOnly) {
            owner.lock(patients, owner.sharedLock);
        }
    }
}
