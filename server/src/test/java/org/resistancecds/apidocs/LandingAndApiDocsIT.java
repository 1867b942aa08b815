package org.resistancecds.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.resistancecds.AbstractOpenServerIT;

/**
 * The landing page and what it links: every link answers, the FHIR OpenAPI is generated from the running server,
 * the CDS Hooks OpenAPI describes the controller's endpoints, the package downloads, and the page scripts come
 * from the jar.
 */
class LandingAndApiDocsIT extends AbstractOpenServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLinkOnTheLandingPageAnswers() throws Exception {
        HttpResponse<String> landing = get("/");
        assertThat(landing.statusCode()).isEqualTo(200);
        assertThat(landing.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");

        List<String> links = new ArrayList<>();
        Matcher href = Pattern.compile("href=\"(/[^\"]*)\"").matcher(landing.body());
        while (href.find()) {
            links.add(href.group(1));
        }
        assertThat(links).contains("/preview/", "/timeline/", "/knowledge/", "/fhir/metadata?_format=json",
                "/fhir/swagger-ui/", "/fhir/api-docs", "/openapi/cds-hooks.json", "/apidocs/cds-hooks.html",
                "/package/resistance-cds.fhir-0.1.0.tgz", "/actuator/metrics");
        // The FHIR base sends browsers on to its Swagger UI: follow redirects as a browser does.
        HttpClient browserLike = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        // The FHIR OpenAPI is generated afresh on every request (seconds); fhirOpenApiIsGeneratedFromTheServer reads it.
        links.remove("/fhir/api-docs");
        for (String link : links) {
            HttpResponse<byte[]> response = browserLike.send(HttpRequest.newBuilder(URI.create(baseUrl() + link))
                    .header("Accept", "text/html,application/json;q=0.9,*/*;q=0.8").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as(link).isEqualTo(200);
        }
    }

    /**
     * Every answer tells browsers not to guess its type and not to show it in a frame: no page of this server is
     * meant to be embedded (the preview's Accept button writes to /fhir). Refusals written before the FHIR
     * servlet runs, and Spring's error page, carry them too.
     */
    @Test
    void everyAnswerForbidsSniffingAndFraming() throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (String path : List.of("/", "/preview/", "/timeline/index.html?patient=x", "/apidocs/cds-hooks.html",
                "/openapi/cds-hooks.json", "/site.css", "/cds-services", "/actuator/health", "/actuator/metrics",
                "/fhir/metadata", "/fhir/swagger-ui/", "/no-such-page")) {
            answers.add(get(path));
        }
        // An If-Match that is no version ETag is refused by a filter in front of HAPI.
        HttpResponse<String> refusedByFilter = http.send(HttpRequest.newBuilder(URI.create(fhirBase() + "/Patient/x"))
                .header("If-Match", "no-etag").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refusedByFilter.statusCode()).isEqualTo(400);
        answers.add(refusedByFilter);
        answers.add(postJson("/cds-services/no-such-service", "application/json", "{}"));

        for (HttpResponse<String> answer : answers) {
            String what = answer.request().uri().getPath() + " (" + answer.statusCode() + ")";
            assertThat(answer.headers().allValues("X-Content-Type-Options")).as(what).containsExactly("nosniff");
            assertThat(answer.headers().allValues("X-Frame-Options")).as(what).containsExactly("DENY");
        }
        // Patient-derived guidance is not kept by browsers or proxies, as the FHIR answers are not.
        assertThat(get("/cds-services").headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(get("/fhir/metadata").headers().firstValue("Cache-Control").orElse("")).contains("no-store");
    }

    @Test
    void fhirOpenApiIsGeneratedFromTheServer() throws Exception {
        HttpResponse<String> response = get("/fhir/api-docs");

        assertThat(response.statusCode()).isEqualTo(200);
        // HAPI's interceptor writes YAML (text/yaml) at 8.8.0.
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/yaml");
        // Every resource type and operation: several MB, above the YAML parser's default 3 MB limit.
        LoaderOptions large = new LoaderOptions();
        large.setCodePointLimit(64 * 1024 * 1024);
        JsonNode api = new ObjectMapper(YAMLFactory.builder().loaderOptions(large).build()).readTree(response.body());
        assertThat(api.get("openapi").asText()).startsWith("3.");
        JsonNode paths = api.get("paths");
        assertThat(paths.has("/Patient/{id}")).isTrue();
        assertThat(paths.has("/Observation/$validate")).isTrue();
        assertThat(paths.has("/metadata")).isTrue();
    }

    /** HAPI kept the statement one request built for a minute: that request's Host became every caller's address. */
    @Test
    void oneRequestsHostHeaderDoesNotBecomeEveryonesAddress() throws Exception {
        String foreign;
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            // HTTP/1.0: the body comes whole, not in chunks that could split the address.
            socket.getOutputStream().write(("GET /fhir/metadata HTTP/1.0\r\nHost: elsewhere.example.org\r\n"
                    + "Accept: application/fhir+json\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            foreign = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(foreign).matches("(?s)HTTP/1\\.[01] 200 .*").contains("http://elsewhere.example.org/fhir");

        for (String path : List.of("/fhir/metadata", "/fhir/api-docs", "/fhir/swagger-ui/")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).doesNotContain("elsewhere.example.org")
                    .contains("localhost:" + port + "/fhir");
        }
    }

    /** A browser following a dead link gets a page with a way on; API clients keep their OperationOutcome. */
    @Test
    void aDeadLinkInABrowserIsAPageAndForAnApiClientAnOperationOutcome() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String path : List.of("/no-such-page", "/preview/no-such-file.html", "/knowledge/a/b")) {
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + path + "?q=%3Cb%3E"))
                    .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(path).isEqualTo(404);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("text/html");
            assertThat(page.body()).as(path).contains("<h1>Not found</h1>", path, "href=\"/knowledge/\"");

            HttpResponse<String> api = get(path);
            assertThat(api.statusCode()).as(path).isEqualTo(404);
            assertThat(api.body()).as(path).contains("\"resourceType\":\"OperationOutcome\"");
        }
        HttpResponse<String> fhir = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/NoSuchType/1"))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fhir.body()).as("the FHIR API answers as FHIR").doesNotContain("<h1>Not found</h1>");
    }

    /** Browsers ask every site for /favicon.ico; a JSON 404 there filled their consoles with errors. */
    @Test
    void theSiteHasAnIcon() throws Exception {
        HttpResponse<byte[]> icon = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/favicon.ico"))
                .header("Accept", "image/avif,image/webp,image/*,*/*;q=0.8").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type").orElse("")).startsWith("image/");
        // An ICO header: reserved 0, type 1 (icon).
        assertThat(Arrays.copyOf(icon.body(), 4)).containsExactly(0, 0, 1, 0);
    }

    @Test
    void swaggerUiIsServedFromTheJar() throws Exception {
        HttpResponse<String> ui = get("/fhir/swagger-ui/");
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
        assertThat(ui.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type.toLowerCase(Locale.ROOT).replace(" ", "")).isEqualTo("text/html;charset=utf-8"));

        HttpResponse<String> cdsUi = get("/apidocs/cds-hooks.html");
        assertThat(cdsUi.statusCode()).isEqualTo(200);
        Matcher script = Pattern.compile("src=\"(/webjars/[^\"]+)\"").matcher(cdsUi.body());
        assertThat(script.find()).isTrue();
        assertThat(get(script.group(1)).statusCode()).as(script.group(1)).isEqualTo(200);
    }

    @Test
    void aFileTheSwaggerUiDoesNotHaveIsA404AndTheBarePathLeadsToTheUi() throws Exception {
        for (String missing : List.of("/fhir/swagger-ui/nope", "/fhir/swagger-ui/nope.js")) {
            HttpResponse<String> response = get(missing);
            assertThat(response.statusCode()).as(missing).isEqualTo(404);
            assertThat(response.body()).as(missing).contains("OperationOutcome", "no file 'nope");
        }

        HttpResponse<String> bare = get("/fhir/swagger-ui");
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location").orElse("")).endsWith("/fhir/swagger-ui/");
    }

    @Test
    void cdsOpenApiDescribesEveryEndpointAndServiceOfDiscovery() throws Exception {
        JsonNode api = JSON.readTree(get("/openapi/cds-hooks.json").body());
        assertThat(api.get("openapi").asText()).startsWith("3.");
        assertThat(api.get("paths").has("/cds-services")).isTrue();
        assertThat(api.get("paths").has("/cds-services/{id}")).isTrue();
        assertThat(api.get("paths").has("/cds-services/{id}/feedback")).isTrue();

        List<String> documented = new ArrayList<>();
        api.at("/paths/~1cds-services~1{id}/post/parameters/0/schema/enum").forEach(id -> documented.add(id.asText()));
        List<String> offered = new ArrayList<>();
        JSON.readTree(get("/cds-services").body()).get("services").forEach(s -> offered.add(s.get("id").asText()));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(offered);
    }

    @Test
    void previewScriptsAreServedFromTheJar() throws Exception {
        HttpResponse<String> page = get("/preview/");
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher script = Pattern.compile("src=\"([^\"]+\\.js)\"").matcher(page.body());
        int scripts = 0;
        while (script.find()) {
            String src = script.group(1);
            assertThat(src).as("no script from another host").doesNotStartWith("http");
            String path = src.startsWith("/") ? src : "/preview/" + src;
            assertThat(get(path).statusCode()).as(path).isEqualTo(200);
            scripts++;
        }
        assertThat(scripts).isEqualTo(3);
    }

    @Test
    void packageDownloadIsTheFhirNpmPackage() throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                URI.create(baseUrl() + "/package/resistance-cds.fhir-0.1.0.tgz")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/gzip");
        assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        byte[] tar = new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes();
        String names = new String(tar, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(names).contains("package/package.json", "package/StructureDefinition-resistance-variant.json");
    }
}
