package org.resistancecds.knowledge.terminology;

/** A ConceptMap {@code dependsOn} or {@code product} entry: a property, and the coded value it must have. */
public record MapCondition(String property, String system, String value, String display) {}
