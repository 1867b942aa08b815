package org.resistancecds.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What the audit record keeps of a request's query: everything but credentials. */
class AuditFilterTest {

    @TempDir
    Path dir;

    @Test
    void credentialsInTheQueryAreMaskedHoweverTheirNamesAreWritten() throws Exception {
        String query = "_count=5&access_token=s1&access%5Ftoken=s2&Client_Secret=s3&refresh%5ftoken=s4"
                + "&id_token=s5&client_assertion=s6&code=8302-2";

        String line = audit(query);

        assertThat(line).doesNotContain("s1").doesNotContain("s2").doesNotContain("s3").doesNotContain("s4")
                .doesNotContain("s5").doesNotContain("s6");
        assertThat(new ObjectMapper().readTree(line).path("query").asText()).isEqualTo("_count=5&access_token=***"
                + "&access%5Ftoken=***&Client_Secret=***&refresh%5ftoken=***&id_token=***&client_assertion=***"
                + "&code=8302-2");
    }

    private String audit(String query) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = new AuditLog(file, new ObjectMapper())) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/fhir/Patient/p1");
            request.setQueryString(query);
            new AuditFilter(log).doFilter(request, new MockHttpServletResponse(), new MockFilterChain());
        }
        return Files.readString(file).strip();
    }

    @Test
    void eachRefusalHasItsOwnOutcome() {
        assertThat(AuditFilter.outcome(200)).isEqualTo("success");
        assertThat(AuditFilter.outcome(401)).isEqualTo("unauthenticated");
        assertThat(AuditFilter.outcome(403)).isEqualTo("denied");
        assertThat(AuditFilter.outcome(429)).isEqualTo("throttled");
        assertThat(AuditFilter.outcome(400)).isEqualTo("client-error");
        assertThat(AuditFilter.outcome(503)).isEqualTo("server-error");
    }
}
