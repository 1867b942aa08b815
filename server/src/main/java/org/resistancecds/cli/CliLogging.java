package org.resistancecds.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Without Spring Boot, logback's default would print every library's INFO and DEBUG lines on standard output,
 * mixed into the JSON a pipeline reads. Commands log warnings and errors only, on standard error.
 */
final class CliLogging {

    private CliLogging() {}

    static void warningsToStandardError() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %logger{20} - %msg%n");
        encoder.start();
        ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        // HAPI warns "Unknown element 'author'" three times while it reads its own bundled code systems
        // (valuesets.xml, v2-tables.xml, v3-codesystems.xml). Users took it for a fault in their file, which the
        // commands parse strictly (an unknown element there is an error in the report), so this logger has
        // nothing to say about their input.
        context.getLogger("ca.uhn.fhir.parser.LenientErrorHandler").setLevel(Level.ERROR);
    }
}
