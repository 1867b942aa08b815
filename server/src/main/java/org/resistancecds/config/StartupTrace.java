package org.resistancecds.config;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.core.metrics.StartupStep;

/**
 * Opt-in start-up trace (system property {@code resistance.startup.trace=true}): records Spring's start-up steps
 * and logs the slowest bean creations when the context has started, to show where start-up time goes.
 */
public final class StartupTrace {

    private static final Logger log = LoggerFactory.getLogger(StartupTrace.class);
    private static final int SHOWN = 30;

    private StartupTrace() {}

    public static void attachIfRequested(SpringApplication application) {
        if (!Boolean.getBoolean("resistance.startup.trace")) {
            return;
        }
        BufferingApplicationStartup startup = new BufferingApplicationStartup(20_000);
        application.setApplicationStartup(startup);
        application.addListeners(event -> {
            if (event instanceof ApplicationStartedEvent) {
                log.info("Slowest start-up steps:\n{}", slowest(startup.getBufferedTimeline()));
            }
        });
    }

    /** Steps by self time: their duration less that of the steps nested in them. */
    private static String slowest(StartupTimeline timeline) {
        Map<Long, Long> nestedMillis = new HashMap<>();
        for (StartupTimeline.TimelineEvent event : timeline.getEvents()) {
            Long parent = event.getStartupStep().getParentId();
            if (parent != null) {
                nestedMillis.merge(parent, event.getDuration().toMillis(), Long::sum);
            }
        }
        ToLongFunction<StartupTimeline.TimelineEvent> self = e ->
                e.getDuration().toMillis() - nestedMillis.getOrDefault(e.getStartupStep().getId(), 0L);
        return timeline.getEvents().stream()
                .sorted(Comparator.comparingLong(self).reversed())
                .limit(SHOWN)
                .map(e -> String.format("%6d ms self, %6d ms total  %s %s", self.applyAsLong(e),
                        e.getDuration().toMillis(), e.getStartupStep().getName(), describe(e.getStartupStep())))
                .collect(Collectors.joining("\n"));
    }

    private static String describe(StartupStep step) {
        StringBuilder tags = new StringBuilder();
        step.getTags().forEach(tag -> tags.append(tag.getKey()).append('=').append(tag.getValue()).append(' '));
        return tags.toString().trim();
    }
}
