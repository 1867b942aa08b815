package org.resistancecds.cds;

import java.util.UUID;

/** Patient-view request bodies for tests and benchmarks, each with a fresh {@code hookInstance}. */
public final class PatientViewRequests {

    /** The {@code context.userId} of every request built here. */
    public static final String USER = "Practitioner/dr-1";

    /** The smallest valid request: no prefetch and no fhirServer, so the server reads its own repository. */
    public static String minimal(String patientId) {
        return withMembers(patientId, "");
    }

    /** With the given prefetch object (JSON), or without prefetch when it is null. */
    public static String withPrefetch(String patientId, String prefetchObject) {
        return withMembers(patientId, prefetchObject == null ? "" : "\"prefetch\":" + prefetchObject + ",");
    }

    /** With further top-level members (e.g. fhirServer, fhirAuthorization), each one followed by a comma. */
    public static String withMembers(String patientId, String members) {
        return "{\"hook\":\"patient-view\",\"hookInstance\":\"" + UUID.randomUUID() + "\"," + members
                + "\"context\":{\"userId\":\"" + USER + "\",\"patientId\":\"" + patientId + "\"}}";
    }

    private PatientViewRequests() {}
}
