package org.resistancecds.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The access audit log.
 *
 * @param enabled record every FHIR and CDS request
 * @param file the append-only JSON-lines file; its directory is created at start
 */
@ConfigurationProperties("resistance.audit")
public record AuditProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("./data/audit/audit.jsonl") String file) {}
