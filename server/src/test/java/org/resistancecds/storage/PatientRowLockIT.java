package org.resistancecds.storage;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/** A write racing its patient's record delete is refused, on H2 (PostgresIT checks the same on PostgreSQL). */
class PatientRowLockIT extends AbstractServerIT {

    @Autowired
    private IInterceptorService storageInterceptors;

    @Test
    void anObservationWrittenWhileItsPatientIsDeletedIsRefused() throws Exception {
        new WriteDuringRecordDelete(fhirBase(), fhirContext, fhirClient(), storageInterceptors)
                .theWriteIsRefusedAndNothingIsLeftBesideTheDeletedPatient();
    }
}
