package org.resistancecds.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.springframework.util.FileSystemUtils;

/**
 * The server a figure is measured on: the packaged jar started as its own process (so start-up time and resident
 * memory are the product's), or, in smoke mode, a server that is already running.
 */
final class BenchTarget implements AutoCloseable {

    private final String baseUrl;
    private final Process process;
    private final double startupSeconds;
    private final Path workDir;

    private BenchTarget(String baseUrl, Process process, double startupSeconds, Path workDir) {
        this.baseUrl = baseUrl;
        this.process = process;
        this.startupSeconds = startupSeconds;
        this.workDir = workDir;
    }

    static BenchTarget running(String baseUrl) {
        return new BenchTarget(baseUrl, null, Double.NaN, null);
    }

    /** Starts {@code java -jar} in {@code workDir} with the arguments and waits for readiness. */
    static BenchTarget startJar(Path jar, Path workDir, String heap, List<String> arguments) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
        // Options for the servers only (the harness's own JVM is the load generator): SERVER_JAVA_OPTS, as in cds-wrk.sh.
        String options = System.getenv().getOrDefault("SERVER_JAVA_OPTS", "").strip();
        if (!options.isEmpty()) {
            command.addAll(List.of(options.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + port));
        command.addAll(arguments);
        Files.createDirectories(workDir);
        Path log = workDir.resolve("server.log");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        // A harness stopped with Ctrl-C or kill must not leave servers behind.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        String base = "http://localhost:" + port;
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest readiness = HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new BenchTarget(base, process, (System.nanoTime() - started) / 1e9, workDir);
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("server not ready in 10 minutes; see " + log);
    }

    String baseUrl() {
        return baseUrl;
    }

    String fhirBase() {
        return baseUrl + "/fhir";
    }

    double startupSeconds() {
        return startupSeconds;
    }

    /** Resident memory of the server process in MB (Linux /proc), NaN when not ours to read. */
    double residentMegabytes() {
        if (process == null) {
            return Double.NaN;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException notLinux) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** Bytes of the server's default H2 database file, or empty when it has none (PostgreSQL). */
    OptionalLong h2FileBytes() throws IOException {
        Path file = workDir == null ? null : workDir.resolve("data/resistance-cds.mv.db");
        return file != null && Files.exists(file) ? OptionalLong.of(Files.size(file)) : OptionalLong.empty();
    }

    /**
     * Stops the server and deletes its H2 files ({@code data/} of its working directory; the log stays): a run's
     * databases reach gigabytes each, and left behind they once filled this machine's disk.
     */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        if (workDir != null) {
            try {
                FileSystemUtils.deleteRecursively(workDir.resolve("data"));
            } catch (IOException e) {
                System.err.println("could not delete " + workDir.resolve("data") + ": " + e);
            }
        }
    }
}
