package org.resistancecds.validation;

import org.hl7.fhir.utilities.filesystem.ManagedFileAccess;
import org.hl7.fhir.utilities.http.ManagedWebAccess;

/**
 * Keeps the HL7 validator library off the network and the file system. Everything this server validates against
 * is in memory (the specification, our content); the library would otherwise reach out on its own: validating an
 * extension definition whose context is an element, it looks for the R4 core package in a package cache under
 * the user's home directory, creating it, and downloads it from the FHIR package registry. Both access points of
 * the library honour these process-wide policies.
 */
public final class ValidatorSandbox {

    private ValidatorSandbox() {}

    public static void close() {
        ManagedWebAccess.setAccessPolicy(ManagedWebAccess.WebAccessPolicy.PROHIBITED);
        ManagedFileAccess.setAccessPolicy(ManagedFileAccess.FileAccessPolicy.PROHIBITED);
    }
}
