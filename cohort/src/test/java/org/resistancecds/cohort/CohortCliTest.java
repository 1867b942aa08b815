package org.resistancecds.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line's answers to wrong use: exit 2 with the reason and the usage, never a silent exit 0. */
class CohortCliTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CohortCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A mistyped command printed the usage on stdout and exited 0, so a script went on as if it had loaded. */
    @Test
    void anUnknownCommandIsAUsageError() throws Exception {
        Run run = run("lode", "--url", "http://localhost:8080/fhir", "target/cohort");

        assertEquals(CohortCli.USAGE, run.exitCode());
        assertTrue(run.err().contains("Unknown command 'lode'."), run.err());
        assertTrue(run.err().contains("usage:"), run.err());
    }

    @Test
    void noCommandIsAUsageErrorAndHelpIsNot() throws Exception {
        assertEquals(CohortCli.USAGE, run().exitCode());

        Run help = run("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("usage:"), help.out());
    }

    /** A missing required option or a malformed number was an exception's stack trace. */
    @Test
    void aMissingOrMalformedOptionIsNamed() throws Exception {
        Run noOut = run("generate", "--patients", "3");
        assertEquals(CohortCli.USAGE, noOut.exitCode());
        assertTrue(noOut.err().startsWith("generate: --out is required."), noOut.err());

        Run badNumber = run("generate", "--out", "target/never-written", "--patients", "ten");
        assertEquals(CohortCli.USAGE, badNumber.exitCode());
        assertTrue(badNumber.err().startsWith("generate: --patients must be a whole number, but was 'ten'."),
                badNumber.err());
    }

    /** Before any request: a path that does not exist was loaded as a bundle that failed with "no answer". */
    @Test
    void loadingAPathThatDoesNotExistIsAUsageError() throws Exception {
        Run missing = run("load", "--url", "http://localhost:1/fhir", "target/no-such-cohort-folder");

        assertEquals(CohortCli.USAGE, missing.exitCode());
        assertTrue(missing.err().startsWith("load: no file or folder at "), missing.err());
        assertTrue(missing.err().contains("no-such-cohort-folder"), missing.err());
    }
}
