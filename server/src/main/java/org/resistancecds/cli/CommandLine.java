package org.resistancecds.cli;

import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.util.VersionUtil;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.resistancecds.conformance.PackageWriter;

/**
 * Commands run from the server jar without starting the web server:
 * {@code java -jar resistance-cds-server.jar validate FILE...}, {@code ... evaluate BUNDLE} and
 * {@code ... compact-h2 [DATABASE]}. Results go to
 * standard output as JSON, messages to standard error; the exit code says what happened.
 */
public final class CommandLine {

    /** Everything checked passed. */
    public static final int OK = 0;
    /** A file was checked and has errors (or could not be parsed). */
    public static final int INVALID = 1;
    /** The command was used wrongly, a file could not be read, or (compact-h2) the database is in use. */
    public static final int USAGE = 2;

    /**
     * Spellings of "help" people type out of habit. They start with "-", so without this they were taken for
     * server options and {@code --help} started a server on port 8080 and created ./data.
     */
    private static final Set<String> HELP_FLAGS = Set.of("--help", "-help", "-h", "-?");
    /** The same for "version": {@code --version} started a server too. */
    private static final Set<String> VERSION_FLAGS = Set.of("--version", "-version", "-V");

    private CommandLine() {}

    /**
     * True when the arguments start with a word: a command, known or not (a mistyped one must not start a server
     * and create ./data); the web server's arguments are options ({@code --server.port=9090}).
     */
    public static boolean isCommand(String[] args) {
        return args.length > 0
                && (!args[0].startsWith("-") || HELP_FLAGS.contains(args[0]) || VERSION_FLAGS.contains(args[0]));
    }

    /** The jar's entry for commands: quiet logging, run, exit with the command's code. */
    public static void main(String[] args) {
        CliLogging.warningsToStandardError();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command and returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        String command = HELP_FLAGS.contains(args[0]) ? "help" : VERSION_FLAGS.contains(args[0]) ? "version" : args[0];
        return switch (command) {
            case "validate" -> new ValidateCommand(out, err).run(rest);
            case "evaluate" -> new EvaluateCommand(out, err).run(rest);
            case "compact-h2" -> new CompactH2Command(out, err, System::getenv).run(rest);
            case "help" -> {
                out.println(usage());
                yield OK;
            }
            case "version" -> {
                out.println("resistance-cds-server " + PackageWriter.VERSION + " (FHIR "
                        + FhirVersionEnum.R4.getFhirVersionString() + ", HAPI FHIR " + VersionUtil.getVersion() + ")");
                yield OK;
            }
            default -> {
                err.println("Unknown command '" + args[0] + "'.\n\n" + usage());
                yield USAGE;
            }
        };
    }

    static String usage() {
        return """
                Usage: java -jar resistance-cds-server.jar [COMMAND] [ARGUMENTS]

                Without a command the server starts (Spring Boot options such as --server.port=9090 apply).

                Commands (no server is started, no network is used; only compact-h2 writes, to the file it names):
                  validate FILE...          validate FHIR R4 resources (JSON or XML) against the base specification
                                            and this server's profiles and terminology; prints an OperationOutcome
                                            (one file) or a Bundle of them (several files)
                  evaluate BUNDLE [--as-of YYYY-MM-DD] [--hook patient-view|order-select|order-sign]
                           [--base-url URL] [--patient ID]
                                            evaluate one patient's record held in a Bundle; prints the resistance
                                            status, mechanisms and the cards the CDS service would answer, as JSON;
                                            card sources without a DOI link to the knowledge pages of the server
                                            at URL (default http://localhost:8080); --patient picks the patient
                                            when the Bundle holds several Patients or none
                  compact-h2 [DATABASE]     shrink a stopped server's H2 file (default ./data/resistance-cds, the
                                            file without .mv.db) with H2's SHUTDOWN COMPACT; refused while the
                                            server has it open; prints the sizes before and after as JSON;
                                            credentials from SPRING_DATASOURCE_USERNAME and _PASSWORD, as
                                            the server's (default sa, no password)
                  version, --version        the server's version, and the FHIR and HAPI FHIR versions it runs
                  help, --help, -h          this text

                Exit codes: 0 valid / evaluated / compacted, 1 invalid resource, 2 usage error, unreadable file or
                database in use.""";
    }
}
