package org.resistancecds.knowledge.record;

/**
 * A laboratory's explicit statement that a variant confers resistance to immunotherapy (a Genomics Reporting
 * therapeutic implication answering LA6676-6 Resistant or LA9660-7 Presumed resistant).
 *
 * @param variant reference of the variant it is derived from
 * @param presumed true for "presumed resistant"
 */
public record ResistanceAnnotation(String variant, boolean presumed, String source) {}
