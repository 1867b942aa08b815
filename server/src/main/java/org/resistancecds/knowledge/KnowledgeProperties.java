package org.resistancecds.knowledge;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param refreshInterval how often the stored knowledge (PlanDefinitions, ActivityDefinitions, Libraries and
 *     ConceptMaps under our canonical base) is checked for changes made through the API, on this node or another
 *     node on the same database; zero turns the check off and the knowledge read at start stays in force
 */
@ConfigurationProperties("resistance.knowledge")
public record KnowledgeProperties(@DefaultValue("10s") Duration refreshInterval) {}
