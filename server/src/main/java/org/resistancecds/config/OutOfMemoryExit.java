package org.resistancecds.config;

import java.util.function.IntConsumer;

/**
 * Ends the process when a thread dies of {@link OutOfMemoryError}. A 33 MB transaction on a small heap killed
 * Tomcat's poller thread this way: the port still accepted connections, but every request, health probes included,
 * hung, and the process never exited, so nothing restarted it. Exiting lets the supervisor (systemd, Kubernetes)
 * start a clean process; the database is safe, since every acknowledged commit is already durable. A request
 * thread's own OutOfMemoryError is answered with a 500 and does not reach this handler (README: use
 * {@code -XX:+ExitOnOutOfMemoryError} to exit at the first one).
 */
public final class OutOfMemoryExit {

    /** The exit status, as {@code -XX:+ExitOnOutOfMemoryError} gives 3. */
    static final int STATUS = 3;

    private OutOfMemoryExit() {}

    /** Installs the handler for every thread that has none of its own; others keep the previous handling. */
    public static void install() {
        Thread.setDefaultUncaughtExceptionHandler(
                handler(Thread.getDefaultUncaughtExceptionHandler(), status -> Runtime.getRuntime().halt(status)));
    }

    static Thread.UncaughtExceptionHandler handler(Thread.UncaughtExceptionHandler previous, IntConsumer halt) {
        return (thread, error) -> {
            if (outOfMemory(error)) {
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

    private static boolean outOfMemory(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }
}
