package org.resistancecds.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Bulk Data jobs over HTTP for the tests: polling a job to its end, and {@code $import} from a loopback source. */
public final class BulkJobs {

    /**
     * A bound on liveness, not a speed figure: a job finishes in seconds on a quiet machine, but on the shared
     * 2-core build machine under heavy load maintenance passes were seen 20-50 s apart.
     */
    public static final Duration DEADLINE = Duration.ofMinutes(5);

    private BulkJobs() {}

    /** Polls a job's status URL until it answers something other than 202, or {@link #DEADLINE} passes. */
    public static HttpResponse<String> awaitDone(HttpClient http, String statusUrl) throws Exception {
        HttpResponse<String> poll;
        Instant deadline = Instant.now().plus(DEADLINE);
        do {
            Thread.sleep(500);
            poll = http.send(HttpRequest.newBuilder(URI.create(statusUrl)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } while (poll.statusCode() == 202 && Instant.now().isBefore(deadline));
        return poll;
    }

    /**
     * Serves one NDJSON file per resource type over HTTP on loopback, as a bulk data source would, has the server
     * {@code $import} them, and answers the job's last status response.
     */
    public static HttpResponse<String> importNdjson(HttpClient http, String fhirBase, Map<String, String> ndjsonByType)
            throws Exception {
        HttpServer source = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> inputs = new ArrayList<>();
        ndjsonByType.forEach((type, ndjson) -> {
            String path = "/source/" + type + ".ndjson";
            source.createContext(path, exchange -> {
                byte[] body = ndjson.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/fhir+ndjson");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            inputs.add("""
                    {"name":"input","part":[{"name":"type","valueCode":"%s"},
                      {"name":"url","valueUri":"http://localhost:%d%s"}]}"""
                    .formatted(type, source.getAddress().getPort(), path));
        });
        source.start();
        try {
            String manifest = """
                    {"resourceType":"Parameters","parameter":[
                      {"name":"inputFormat","valueCode":"application/fhir+ndjson"},
                      {"name":"inputSource","valueUri":"http://localhost/source"},
                      %s]}""".formatted(String.join(",", inputs));
            HttpResponse<String> kickOff = http.send(HttpRequest.newBuilder(URI.create(fhirBase + "/$import"))
                    .header("Content-Type", "application/fhir+json")
                    .header("Prefer", "respond-async")
                    .POST(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
            return awaitDone(http, kickOff.headers().firstValue("Content-Location").orElseThrow());
        } finally {
            source.stop(0);
        }
    }
}
