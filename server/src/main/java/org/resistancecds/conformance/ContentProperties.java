package org.resistancecds.conformance;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What content the server installs at start.
 *
 * @param folders content folders installed at every start, in this order
 * @param loadExamples also install {@code examples/valid} (for demos and local exploration)
 */
@ConfigurationProperties("resistance.content")
public record ContentProperties(
        @DefaultValue({"terminology", "profiles", "knowledge"}) List<String> folders,
        @DefaultValue("false") boolean loadExamples) {}
