package org.resistancecds.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.resistancecds.cds.security.TestJwts;

/**
 * An honest CDS client's calls alone, then beside threads sending tokens of the trusted issuer under forged
 * ES384 signatures, against the jar started with CDS client authentication on. The honest client calls the trivial
 * {@code hello} service from 127.0.0.2 (a new connection per call, tokens signed before each window), the forging
 * threads from 127.0.0.1, so that the server tells them apart by address. Not a test: the figures depend on the
 * machine.
 *
 * <p>Usage: {@code ForgedTokenFlood <jar> [forging threads] [seconds per window] [rounds] [server arguments...]}
 * (defaults 16, 10, 2).
 */
public final class ForgedTokenFlood {

    private static final String BODY = "{\"hook\":\"patient-view\",\"hookInstance\":\"" + UUID.randomUUID()
            + "\",\"context\":{\"userId\":\"Practitioner/1\",\"patientId\":\"p1\"}}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI service;

    private ForgedTokenFlood(URI service) {
        this.service = service;
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int forgers = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=dev,bench",
                "--resistance.cds.security.enabled=true",
                "--resistance.cds.security.clients[0].issuer=" + TestJwts.ISSUER,
                "--resistance.cds.security.clients[0].jwks=" + TestJwts.trustedJwks(), "--logging.level.root=WARN"));
        for (int i = 4; i < args.length; i++) {
            arguments.add(args[i]);
        }
        Path work = java.nio.file.Files.createTempDirectory("forged-tokens-");
        try (BenchTarget server = BenchTarget.startJar(jar, work, "1g", arguments)) {
            ForgedTokenFlood flood = new ForgedTokenFlood(URI.create(server.baseUrl() + "/cds-services/hello"));
            flood.http.send(HttpRequest.newBuilder(URI.create(server.fhirBase() + "/Patient/p1"))
                    .header("Content-Type", "application/fhir+json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"id\":\"p1\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            flood.window(0, seconds); // warm-up
            for (int round = 0; round < rounds; round++) {
                flood.window(0, seconds);
                flood.window(forgers, seconds);
            }
            System.out.println("server log: " + work.resolve("server.log"));
        }
    }

    private void window(int forgers, int seconds) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < seconds * 300; i++) {
            tokens.add(TestJwts.es384(TestJwts.claims(service.toString()).build()));
        }
        AtomicBoolean stop = new AtomicBoolean();
        Map<Integer, AtomicLong> forgedAnswers = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < forgers; i++) {
            Thread thread = new Thread(() -> forge(stop, forgedAnswers));
            thread.start();
            threads.add(thread);
        }
        List<Long> latencies = new ArrayList<>();
        Map<Integer, Integer> honestAnswers = new TreeMap<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int i = 0; i < tokens.size() && System.nanoTime() < end; i++) {
            long start = System.nanoTime();
            int status = honestCall(tokens.get(i));
            latencies.add(System.nanoTime() - start);
            honestAnswers.merge(status, 1, Integer::sum);
        }
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        Collections.sort(latencies);
        System.out.printf("forging threads %2d: honest calls %d (%.1f/s), p50 %.2f ms, p99 %.2f ms, answers %s;"
                        + " forged calls answered %s%n", forgers, latencies.size(), latencies.size() / (double) seconds,
                latencies.get(latencies.size() / 2) / 1e6, latencies.get((int) (latencies.size() * 0.99)) / 1e6,
                honestAnswers, new TreeMap<>(forgedAnswers));
    }

    private void forge(AtomicBoolean stop, Map<Integer, AtomicLong> answers) {
        SecureRandom random = new SecureRandom();
        String token = TestJwts.es384(TestJwts.claims(service.toString()).build());
        String unsigned = token.substring(0, token.lastIndexOf('.') + 1);
        while (!stop.get()) {
            byte[] signature = new byte[96];
            random.nextBytes(signature);
            int status;
            try {
                status = http.send(HttpRequest.newBuilder(service).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + unsigned
                                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature))
                        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException | InterruptedException e) {
                status = -1;
            }
            answers.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        }
    }

    /** One call over its own connection from 127.0.0.2: Java's HTTP client cannot choose its local address. */
    private int honestCall(String token) throws IOException {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(service.getHost(), service.getPort(), InetAddress.getByName("127.0.0.2"), 0)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + service.getPath() + " HTTP/1.1\r\nHost: " + service.getHost() + ":" + service.getPort()
                    + "\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int status = Integer.parseInt(line(in).split(" ")[1]);
            in.readAllBytes(); // the server closes the connection after the answer
            return status;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
