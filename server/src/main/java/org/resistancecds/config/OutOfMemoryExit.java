package org.resistancecds.config;

import java.util.function.IntConsumer;
import org.apache.commons.lang3.exception.ExceptionUtils;

/**
 * Ends the process when one of Tomcat's connection threads (its poller or acceptor) dies of
 * {@link OutOfMemoryError}. A 33 MB transaction on a small heap killed the poller this way: the port still accepted
 * connections, but every request, health probes included, hung, and the process never exited, so nothing restarted
 * it. Exiting lets the supervisor (systemd, Kubernetes) start a clean process; the database is safe, since every
 * acknowledged commit is already durable. Other threads are left to their usual handling: a background job that ran
 * out of memory would run again after a restart, and a restart for it could repeat without end. A request thread's
 * own OutOfMemoryError is answered with a 500 (README: {@code -XX:+ExitOnOutOfMemoryError} exits at the first one).
 */
public final class OutOfMemoryExit {

    /** The exit status, as {@code -XX:+ExitOnOutOfMemoryError} gives 3. */
    static final int STATUS = 3;

    private OutOfMemoryExit() {}

    /** Installs the handler for every thread that has none of its own; other failures keep the previous handling. */
    public static void install() {
        Thread.setDefaultUncaughtExceptionHandler(
                handler(Thread.getDefaultUncaughtExceptionHandler(), status -> Runtime.getRuntime().halt(status)));
    }

    static Thread.UncaughtExceptionHandler handler(Thread.UncaughtExceptionHandler previous, IntConsumer halt) {
        return (thread, error) -> {
            if (servesConnections(thread) && ExceptionUtils.indexOfType(error, OutOfMemoryError.class) >= 0) {
                // Not the logger: it may need memory there is none of. halt, not exit: shutdown hooks could hang.
                System.err.println("FATAL: thread " + thread.getName() + " died of " + error
                        + "; the server exits (status " + STATUS + ") so that it can be restarted.");
                System.err.flush();
                halt.accept(STATUS);
            }
            if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                thread.getThreadGroup().uncaughtException(thread, error);
            }
        };
    }

    /** Tomcat names them after the connector: {@code http-nio-8080-Poller}, {@code http-nio-8080-Acceptor}. */
    private static boolean servesConnections(Thread thread) {
        return thread.getName().endsWith("-Poller") || thread.getName().endsWith("-Acceptor");
    }
}
