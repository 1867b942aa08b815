package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.resistancecds.ServerProcess;
import org.resistancecds.bulk.BulkJobs;
import org.resistancecds.cds.PatientViewRequests;
import org.resistancecds.knowledge.TestKnowledge;
import org.resistancecds.reliability.KilledMidStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Two server processes on one PostgreSQL, started at the same moment: content is stored once, a write on one
 * node is read and found on the other, knowledge changed through one node is used by the other's CDS service,
 * knowledge writers on the two nodes take turns, and when one node is killed mid-write the other finds every
 * transaction it acknowledged, in full.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodePostgresIT {

    private static final Logger log = LoggerFactory.getLogger(TwoNodePostgresIT.class);
    /** The watcher's interval in this test; the documented default is 10 s. */
    private static final Duration REFRESH = Duration.ofSeconds(2);
    private static final String JSON = "application/fhir+json";

    /** Kept after the run: the two nodes' logs are the first thing to read when this test fails. */
    private static final Path workDir = Path.of("target", "two-node-postgres");

    private static EmbeddedPostgres postgres;
    private static ServerProcess nodeA;
    private static ServerProcess nodeB;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startTwoNodesTogether() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        List<String> arguments = List.of(
                "--spring.profiles.active=postgres,dev",
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--spring.datasource.hikari.maximum-pool-size=8",
                "--resistance.knowledge.refresh-interval=" + REFRESH.toSeconds() + "s",
                "--resistance.validation.conformance-refresh-interval=" + REFRESH.toSeconds() + "s",
                // $import advances one step per maintenance pass; the test need not wait 5 s a step.
                "--resistance.bulk.maintenance-interval=1s");
        CompletableFuture<ServerProcess> a = CompletableFuture.supplyAsync(() -> start("a", arguments));
        CompletableFuture<ServerProcess> b = CompletableFuture.supplyAsync(() -> start("b", arguments));
        nodeA = a.join();
        nodeB = b.join();
        for (ServerProcess node : List.of(nodeA, nodeB)) {
            log.info("node {}: {} content writes retried after a race with the other node", node.baseUrl(),
                    node.logText().lines().filter(line -> line.contains("another node stored it")).count());
        }
    }

    private static ServerProcess start(String name, List<String> arguments) {
        try {
            return ServerProcess.start(workDir.resolve(name), arguments, Duration.ofMinutes(8));
        } catch (Exception e) {
            throw new IllegalStateException("node " + name + " did not start", e);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServerProcess node : new ServerProcess[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void contentStoredByBothNodesAtOnceExistsOnceInOneVersion() throws Exception {
        List<String> duplicated = new ArrayList<>();
        int checked = 0;
        for (Resource file : contentFiles()) {
            String name = file.getFilename().replace(".json", "");
            String type = name.substring(0, name.indexOf('-'));
            String id = name.substring(name.indexOf('-') + 1);
            HttpResponse<String> history = get(nodeB, "/fhir/" + type + "/" + id + "/_history?_summary=count");
            assertThat(history.statusCode()).as(type + "/" + id).isEqualTo(200);
            if (!history.body().contains("\"total\":1")) {
                duplicated.add(type + "/" + id + " " + history.body());
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(40);
        assertThat(duplicated).as("content with more than one version").isEmpty();
    }

    @Test
    @Order(2)
    void writeOnOneNodeIsReadAndFoundOnTheOther() throws Exception {
        String mrn = UUID.randomUUID().toString();
        HttpResponse<String> created = send(nodeA, "POST", "/fhir/Patient",
                "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:test:mrn\",\"value\":\"" + mrn + "\"}]}");
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = location.replaceAll(".*/Patient/([^/]+)/_history/.*", "$1");

        assertThat(get(nodeB, "/fhir/Patient/" + id).body()).contains(mrn);
        assertThat(get(nodeB, "/fhir/Patient?identifier=urn:test:mrn%7C" + mrn).body()).contains("\"total\":1");
    }

    /** After the content checks: it makes a second version of a knowledge resource. */
    @Test
    @Order(3)
    void knowledgeChangedThroughOneNodeIsUsedByTheOthersCdsService() throws Exception {
        String scenario = classpathText("content/examples/scenarios/acquired-resistance-jak1-jak2.bundle.json");
        assertThat(send(nodeA, "POST", "/fhir", scenario).statusCode()).isEqualTo(200);
        String marker = "TIGIT co-inhibition, revised " + UUID.randomUUID().toString().substring(0, 8);
        assertThat(patientView(nodeB)).doesNotContain(marker);

        String plan = get(nodeA, "/fhir/PlanDefinition/acquired-resistance-strategies").body();
        String revised = plan.replace("Acquired resistance: consider a trial of TIGIT plus PD-1/PD-L1 co-inhibition",
                "Acquired resistance: consider a trial of " + marker);
        assertThat(revised).isNotEqualTo(plan);
        HttpResponse<String> stored = send(nodeA, "PUT", "/fhir/PlanDefinition/acquired-resistance-strategies", revised);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
        long changedAt = System.nanoTime();

        // Bound: one refresh interval plus compiling, with room for a busy machine.
        Duration bound = REFRESH.multipliedBy(5);
        String cards = "";
        while (System.nanoTime() - changedAt < bound.toNanos() && !cards.contains(marker)) {
            Thread.sleep(100);
            cards = patientView(nodeB);
        }
        long seenAfterMillis = (System.nanoTime() - changedAt) / 1_000_000;
        log.info("knowledge change on node A used by node B's CDS service after {} ms (refresh interval {})",
                seenAfterMillis, REFRESH);
        assertThat(cards).as("node B's cards " + seenAfterMillis + " ms after the change").contains(marker);
    }

    /**
     * Knowledge writers on two nodes take turns too (PostgreSQL's advisory lock, not a lock of one JVM): a delete
     * of an ActivityDefinition through node A and a PlanDefinition suggesting it through node B, at the same moment,
     * cannot both be stored.
     */
    @Test
    @Order(4)
    void knowledgeWritersOnTwoNodesAtOnceCannotTogetherBreakTheKnowledge() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                TestKnowledge.deleteWhilePlanning(nodeA.fhirClient(), nodeB.fhirClient(), pool, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Node B's validation caches held what they had read of a code system for up to 10 minutes after node A
     * changed it; the watcher clears them within its interval.
     */
    @Test
    @Order(5)
    void aCodeSystemChangedThroughOneNodeIsLookedUpAsChangedOnTheOther() throws Exception {
        String id = "two-node-" + UUID.randomUUID().toString().substring(0, 8);
        String system = "http://example.org/CodeSystem/" + id;
        String lookup = "/fhir/CodeSystem/$lookup?system=" + system + "&code=a";
        assertThat(send(nodeA, "PUT", "/fhir/CodeSystem/" + id, codeSystem(id, system, "Before")).statusCode())
                .isEqualTo(201);
        assertThat(get(nodeB, lookup).body()).as("node B reads, and caches, the first version").contains("Before");

        assertThat(send(nodeA, "PUT", "/fhir/CodeSystem/" + id, codeSystem(id, system, "After")).statusCode())
                .isEqualTo(200);
        assertThat(lookedUpOnNodeB(lookup, "After", "a REST update")).contains("After");

        // Bulk import writes through HAPI's Batch2 job, not REST, from an export that says when it last changed.
        String exported = codeSystem(id, system, "Imported")
                .replaceFirst("\\{", "{\"meta\":{\"versionId\":\"7\",\"lastUpdated\":\"2020-01-01T00:00:00Z\"},");
        HttpResponse<String> imported = BulkJobs.importNdjson(http, nodeA.fhirBase(), Map.of("CodeSystem", exported + "\n"));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        assertThat(lookedUpOnNodeB(lookup, "Imported", "an $import")).contains("Imported");
    }

    /** Node B's lookup once it shows {@code expected}, or its last answer after a bound. */
    private static String lookedUpOnNodeB(String lookup, String expected, String change) throws Exception {
        long changedAt = System.nanoTime();
        Duration bound = Duration.ofSeconds(30); // the test's interval (2 s) with room for a busy machine
        String answer = "";
        while (System.nanoTime() - changedAt < bound.toNanos() && !answer.contains(expected)) {
            Thread.sleep(200);
            answer = get(nodeB, lookup).body();
        }
        log.info("code system change on node A by {} looked up on node B after {} ms", change,
                (System.nanoTime() - changedAt) / 1_000_000);
        return answer;
    }

    private static String codeSystem(String id, String system, String display) {
        return "{\"resourceType\":\"CodeSystem\",\"id\":\"" + id + "\",\"url\":\"" + system + "\",\"status\":"
                + "\"active\",\"content\":\"complete\",\"concept\":[{\"code\":\"a\",\"display\":\"" + display + "\"}]}";
    }

    /** Last: node A does not survive it. PostgreSQL outlives the node, so node B reads what a restart would. */
    @Test
    @Order(6)
    void nodeKilledMidWriteLeavesEveryAcknowledgedTransactionInFullForTheOther() throws Exception {
        KilledMidStream.streamAndKill(nodeA).assertNothingLostOrPartial(nodeB.fhirBase(), "PostgreSQL");
    }

    private static String patientView(ServerProcess node) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create(node.baseUrl() + "/cds-services/ici-resistance-patient-view"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(PatientViewRequests.minimal("sc-jak")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static List<Resource> contentFiles() throws IOException {
        List<Resource> files = new ArrayList<>();
        for (String folder : List.of("profiles", "terminology", "knowledge")) {
            files.addAll(List.of(new PathMatchingResourcePatternResolver()
                    .getResources("classpath*:content/" + folder + "/*.json")));
        }
        return files;
    }

    private static String classpathText(String path) throws IOException {
        return new ClassPathResource(path).getContentAsString(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(ServerProcess node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(ServerProcess node, String method, String path, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                        .header("Content-Type", JSON)
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
