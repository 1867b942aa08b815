package org.resistancecds.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resistancecds.ServerProcess;

/**
 * The packaged jar with its default database (H2 files under ./data of the working directory), stopped the way
 * an operator stops it (SIGTERM) seconds after readiness, while HAPI's start-up tasks still write: the stop logs
 * no error, and the next start finds the data.
 */
class GracefulStopIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @TempDir
    Path workDir;

    @Test
    void stopRightAfterStartLogsNoErrorAndKeepsTheData() throws Exception {
        String id;
        Path firstLog;
        try (ServerProcess server = ServerProcess.start(workDir, List.of())) {
            Patient patient = new Patient().addName(new HumanName().setFamily("Stopped"));
            id = client(server).create().resource(patient).execute().getId().getIdPart();
            firstLog = server.log();
        }
        assertTrue(Files.isDirectory(workDir.resolve("data")), "the default database lives under ./data");
        List<String> errors = Files.readAllLines(firstLog).stream().filter(line -> line.contains(" ERROR ")).toList();
        assertEquals(List.of(), errors.stream().limit(5).toList(), errors.size() + " error lines at stop");

        try (ServerProcess restarted = ServerProcess.start(workDir, List.of())) {
            Patient patient = client(restarted).read().resource(Patient.class).withId(id).execute();
            assertEquals("Stopped", patient.getNameFirstRep().getFamily());
        }
    }

    private static IGenericClient client(ServerProcess server) {
        return FHIR.newRestfulGenericClient(server.fhirBase());
    }
}
