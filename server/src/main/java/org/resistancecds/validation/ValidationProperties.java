package org.resistancecds.validation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Validation of writes.
 *
 * @param mode {@code all}: every created or updated resource is validated against the base specification and
 *     the profiles it claims; {@code claimed}: only resources claiming one of our profiles; {@code off}: none
 * @param profileBase canonical prefix of the profiles this server owns
 * @param conformanceRefreshInterval how often a node looks for profile and terminology changes another node made
 *     in a shared database ({@code 0} turns it off)
 * @param maxElements the most elements one validated resource may have ({@code 0}: sized from the heap, 131,072
 *     with -Xmx1g); see {@link ValidationBudget}
 */
@ConfigurationProperties("resistance.validation")
public record ValidationProperties(
        @DefaultValue("all") Mode mode,
        @DefaultValue(ValidationProperties.OWN_PROFILE_BASE) String profileBase,
        @DefaultValue("10s") Duration conformanceRefreshInterval,
        @DefaultValue("0") long maxElements) {

    /** The canonical base of this project's conformance resources (profiles, code systems, value sets, maps). */
    public static final String OWN_CANONICAL_BASE = "https://resistance-cds.org/fhir/";
    public static final String OWN_PROFILE_BASE = OWN_CANONICAL_BASE + "StructureDefinition/";

    /** Which writes are validated. */
    public enum Mode {
        ALL,
        CLAIMED,
        OFF
    }
}
