package org.resistancecds.knowledge.record;

import java.util.Set;

/** Codes the record reader recognises in incoming data (LOINC as used by Genomics Reporting and mCODE). */
final class RecordCodes {

    static final String VARIANT = "69548-6";
    static final String GENE_STUDIED = "48018-6";
    static final String DNA_HGVS = "48004-6";
    static final String PROTEIN_HGVS = "48005-3";
    static final String GENOMIC_SOURCE_CLASS = "48002-0";
    static final String AMINO_ACID_CHANGE_TYPE = "48006-1";
    static final String COPY_NUMBER = "82155-3";
    static final String MEDICATION_ASSESSED = "51963-7";
    static final String DISEASE_STATUS = "97509-4";
    static final String ALLELE_FREQUENCY = "81258-6";

    static final String PRESENT = "LA9633-4";
    static final String ABSENT = "LA9634-2";
    static final String GERMLINE = "LA6683-2";
    static final String SOMATIC = "LA6684-0";
    static final String RESISTANT = "LA6676-6";
    static final String PRESUMED_RESISTANT = "LA9660-7";

    /** Observation statuses that never count. */
    static final Set<String> VOID_OBSERVATION = Set.of("entered-in-error", "cancelled", "registered");
    static final Set<String> VOID_STATEMENT = Set.of("entered-in-error", "not-taken", "intended");
    static final Set<String> VOID_ADMINISTRATION = Set.of("entered-in-error", "not-done");
    static final Set<String> VOID_REQUEST = Set.of("entered-in-error", "cancelled", "draft");
    static final Set<String> NOT_AN_ORDER = Set.of("proposal", "plan", "option", "directive");

    private RecordCodes() {}
}
