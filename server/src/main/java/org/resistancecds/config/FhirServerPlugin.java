package org.resistancecds.config;

import ca.uhn.fhir.rest.server.RestfulServer;

/** A feature that adds providers or interceptors to the FHIR endpoint; features declare one as a bean. */
@FunctionalInterface
public interface FhirServerPlugin {

    void register(RestfulServer server);
}
