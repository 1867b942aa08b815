package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/** A write racing its patient's record delete is refused, on H2 (PostgresIT checks the same on PostgreSQL). */
class PatientRowLockIT extends AbstractServerIT {

    @Autowired
    private IInterceptorService storageInterceptors;

    @Test
    void anObservationWrittenWhileItsPatientIsDeletedIsRefused() throws Exception {
        new WriteDuringRecordDelete(fhirBase(), fhirContext, fhirClient(), storageInterceptors, () -> { })
                .theWriteIsRefusedAndNothingIsLeftBesideTheDeletedPatient();
    }

    /** Ids are per server: a patient elsewhere with the id of one deleted here is not that patient. */
    @Test
    void aPatientOnAnotherServerWithTheIdOfOneDeletedHereIsNoObstacle() {
        IGenericClient client = fhirClient();
        String patient = client.create().resource(new Patient()).execute().getId().getIdPart();
        client.delete().resourceById("Patient", patient).execute();

        MethodOutcome stored = client.create()
                .resource(RecordReadsDuringWrites.observationAbout("https://other.example/fhir/Patient/" + patient))
                .execute();

        assertThat(stored.getCreated()).isTrue();
    }
}
