package org.resistancecds.audit;

/**
 * Request attributes that the endpoints set for the audit record while they handle a request: who called, what
 * they asked for. The {@link AuditFilter} reads them when the answer is complete.
 */
public final class AuditAttributes {

    private static final String PREFIX = "org.resistancecds.audit.";

    /** The token's {@code sub}, or the CDS client's issuer. */
    public static final String SUBJECT = PREFIX + "subject";
    /** The OAuth client ({@code client_id}/{@code azp}). */
    public static final String CLIENT = PREFIX + "client";
    /** The patient the request is about or limited to. */
    public static final String PATIENT = PREFIX + "patient";
    /** What was done: a FHIR interaction ({@code read}, {@code search-type}, ...) or {@code cds-call}. */
    public static final String ACTION = PREFIX + "action";
    public static final String RESOURCE_TYPE = PREFIX + "resourceType";
    public static final String RESOURCE_ID = PREFIX + "resourceId";
    /** An operation name ({@code $everything}) or a CDS service id. */
    public static final String OPERATION = PREFIX + "operation";

    private AuditAttributes() {}
}
