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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slow uploads against a running server: many connections each sending a request body a byte at a time (and
 * connecting again when cut off), while a probe asks for the liveness health check once a second and an honest
 * client, from another address (127.0.0.2: the server must listen on every address, as it does by default), writes
 * a small Patient once a second. Prints what the probe and the honest client got and how the slow clients were
 * answered.
 *
 * <pre>java bench/SlowUploads.java [base URL] [connections] [seconds between bytes] [duration s]</pre>
 * defaults: http://localhost:8080 205 8 60. Point it at a server with access control off (dev profile), as the
 * audit did; with it on, the slow clients are still read (bodies are read before the token is checked) and the
 * honest client's writes get 401.
 */
public class SlowUploads {

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args.length > 0 ? args[0] : "http://localhost:8080");
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 205;
        long byteEveryMs = (args.length > 2 ? Long.parseLong(args[2]) : 8) * 1000;
        long durationMs = (args.length > 3 ? Long.parseLong(args[3]) : 60) * 1000;
        long end = System.currentTimeMillis() + durationMs;

        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread client = new Thread(() -> trickle(base, byteEveryMs, end, answers));
            client.setDaemon(true);
            client.start();
            clients.add(client);
        }

        Map<String, AtomicInteger> honest = new ConcurrentHashMap<>();
        Thread writer = new Thread(() -> {
            while (System.currentTimeMillis() < end) {
                honest.computeIfAbsent(honestWrite(base), s -> new AtomicInteger()).incrementAndGet();
                sleepQuietly(1000);
            }
        });
        writer.setDaemon(true);
        writer.start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Long> answeredMs = new ArrayList<>();
        int probes = 0;
        int unanswered = 0;
        Thread.sleep(2000); // let the slow clients connect first
        while (System.currentTimeMillis() < end) {
            probes++;
            long start = System.nanoTime();
            try {
                HttpRequest probe = HttpRequest.newBuilder(base.resolve("/actuator/health/liveness"))
                        .timeout(Duration.ofSeconds(5)).build();
                HttpResponse<String> response = http.send(probe, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    answeredMs.add((System.nanoTime() - start) / 1_000_000);
                } else {
                    unanswered++;
                }
            } catch (IOException e) {
                unanswered++;
            }
            Thread.sleep(1000);
        }
        answeredMs.sort(null);
        System.out.printf("%d slow clients, a byte every %d s, %d s: liveness probes answered %d of %d within 5 s"
                        + " (median %s ms, max %s ms)%n", connections, byteEveryMs / 1000, durationMs / 1000,
                answeredMs.size(), probes,
                answeredMs.isEmpty() ? "-" : answeredMs.get(answeredMs.size() / 2),
                answeredMs.isEmpty() ? "-" : answeredMs.get(answeredMs.size() - 1));
        Map<String, Integer> sorted = new TreeMap<>();
        answers.forEach((status, count) -> sorted.put(status, count.get()));
        System.out.println("slow clients' answers by status line: " + sorted);
        Map<String, Integer> honestSorted = new TreeMap<>();
        honest.forEach((status, count) -> honestSorted.put(status, count.get()));
        System.out.println("honest writes from 127.0.0.2 by status line: " + honestSorted);
    }

    /** One small Patient, sent whole from 127.0.0.2; the status line of the answer. */
    private static String honestWrite(URI base) {
        byte[] body = "{\"resourceType\":\"Patient\",\"active\":true}".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(base.getHost(), base.getPort(), InetAddress.getByName("127.0.0.2"), 0)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /fhir/Patient HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: "
                    + "application/fhir+json\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = statusLine(socket.getInputStream(), 5000);
            return status == null ? "no answer within 5 s" : status;
        } catch (IOException e) {
            return "failed: " + e.getClass().getSimpleName();
        }
    }

    /** One slow client: sends a byte at a time until answered or cut off, then connects again. */
    private static void trickle(URI base, long byteEveryMs, long end, Map<String, AtomicInteger> answers) {
        while (System.currentTimeMillis() < end) {
            String status;
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /fhir/Patient HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: "
                        + "application/fhir+json\r\nContent-Length: 100000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                status = null;
                while (status == null && System.currentTimeMillis() < end) {
                    out.write(' ');
                    out.flush();
                    status = statusLine(in, byteEveryMs);
                }
                if (status == null) {
                    return; // still sending when the run ended
                }
            } catch (IOException e) {
                status = "connection failed or closed: " + e.getClass().getSimpleName();
            }
            answers.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            sleepQuietly(200);
        }
    }

    /** The answer's status line if one comes within {@code waitMs}, else null. */
    private static String statusLine(InputStream in, long waitMs) throws IOException {
        long until = System.currentTimeMillis() + waitMs;
        StringBuilder line = new StringBuilder();
        while (System.currentTimeMillis() < until) {
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketTimeoutException e) {
                continue;
            }
            if (b < 0) {
                return line.length() > 0 ? line.toString() : "closed without an answer";
            }
            if (b == '\r' || b == '\n') {
                return line.toString();
            }
            line.append((char) b);
        }
        return line.length() > 0 ? line.toString() : null;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
