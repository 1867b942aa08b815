package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutOfMemoryExitTest {

    private final List<Integer> halted = new ArrayList<>();
    private final List<Throwable> passedOn = new ArrayList<>();
    private final Thread.UncaughtExceptionHandler handler =
            OutOfMemoryExit.handler((thread, error) -> passedOn.add(error), halted::add);

    @Test
    void tomcatsConnectionThreadDyingOfOutOfMemoryHaltsTheProcess() {
        handler.uncaughtException(new Thread("http-nio-8080-Poller"), new OutOfMemoryError("Java heap space"));
        handler.uncaughtException(new Thread("http-nio-8080-Acceptor"),
                new IllegalStateException("wrapped", new OutOfMemoryError("Java heap space")));

        assertThat(halted).containsExactly(OutOfMemoryExit.STATUS, OutOfMemoryExit.STATUS);
    }

    /** A background job would run out of memory again after a restart: no restart loop for it. */
    @Test
    void anotherThreadDyingOfOutOfMemoryDoesNotHalt() {
        OutOfMemoryError error = new OutOfMemoryError("Java heap space");

        handler.uncaughtException(new Thread("reevaluation"), error);

        assertThat(halted).isEmpty();
        assertThat(passedOn).containsExactly(error);
    }

    @Test
    void otherFailuresGoToThePreviousHandlerOnly() {
        IllegalStateException failure = new IllegalStateException("boom");

        handler.uncaughtException(new Thread("worker"), failure);

        assertThat(halted).isEmpty();
        assertThat(passedOn).containsExactly(failure);
    }
}
