package org.resistancecds.bench;

import org.resistancecds.AbstractServerIT;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * The shared test server as the benchmark runs it: the {@code bench} profile (the trivial CDS service beside the
 * real one) and no CDS client JWT. Subclasses share this one context.
 */
@ActiveProfiles("bench")
@TestPropertySource(properties = "resistance.cds.security.enabled=false")
public abstract class AbstractBenchIT extends AbstractServerIT {}
