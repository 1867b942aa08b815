package org.resistancecds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged server jar run as a separate operating-system process, so tests can kill it hard
 * ({@code kill -9}) or run several nodes. Needs {@code mvn package} first (Failsafe runs after it).
 */
public final class ServerProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "resistance-cds-server.jar");

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the jar with the given {@code --name=value} arguments and waits until it reports ready. */
    public static ServerProcess start(Path workDir, List<String> arguments) throws Exception {
        return start(workDir, arguments, Duration.ofMinutes(4));
    }

    /** As {@link #start(Path, List)}, waiting up to {@code readyWithin}: several nodes starting at once share the CPU. */
    public static ServerProcess start(Path workDir, List<String> arguments, Duration readyWithin) throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run mvn package first");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", JAR.toAbsolutePath().toString(), "--server.port=" + port));
        // FHIR access control off unless the test sets it (it is tested by FhirSecurityIT).
        if (arguments.stream().noneMatch(argument -> argument.startsWith("--resistance.security.enabled="))) {
            command.add("--resistance.security.enabled=false");
        }
        command.addAll(arguments);
        Files.createDirectories(workDir);
        Path log = Files.createTempFile(workDir, "server-", ".log");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ServerProcess server = new ServerProcess(process, port, log);
        server.awaitReady(readyWithin);
        return server;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public String fhirBase() {
        return "http://localhost:" + port + "/fhir";
    }

    /** A HAPI client of this node that waits up to a minute for an answer (a knowledge write may wait its turn). */
    public IGenericClient fhirClient() {
        return ClientContext.FHIR.newRestfulGenericClient(fhirBase());
    }

    /** A context of its own: the client settings would otherwise change the shared cached context of every test. */
    private static final class ClientContext {
        static final FhirContext FHIR = FhirContext.forR4();

        static {
            FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
            FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
        }
    }

    /** The server's console output (standard output and error). */
    public Path log() {
        return log;
    }

    /** Kills the process without letting it shut down (SIGKILL), and waits until it is gone. */
    public void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                killHard();
            }
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest readiness = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5))
                .build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + ": " + tail());
            }
            try {
                if (http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling until the deadline
            }
            Thread.sleep(250);
        }
        process.destroyForcibly();
        throw new IllegalStateException("server not ready within " + timeout + ": " + tail());
    }

    /** Everything the server has logged so far. */
    public String logText() throws IOException {
        return Files.readString(log);
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
