package org.resistancecds.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class BufferedBodyRequestTest {

    private final byte[] body = "{\"resourceType\":\"Patient\"}".getBytes(UTF_8);
    private final BufferedBodyRequest buffered =
            new BufferedBodyRequest(new MockHttpServletRequest("POST", "/fhir"), body);

    @Test
    void theBufferedBytesAreTakenAsTheyAreThroughWrappersThatLeaveTheBodyAlone() throws Exception {
        HttpServletRequest headerOnly = new HttpServletRequestWrapper(buffered) {
            @Override
            public String getContentType() {
                return "application/fhir+json";
            }
        };

        assertThat(BufferedBodyRequest.bodyOf(buffered)).isSameAs(body);
        assertThat(BufferedBodyRequest.bodyOf(headerOnly)).isSameAs(body);
    }

    @Test
    void aWrapperThatReplacesTheBodyIsReadInstead() throws Exception {
        BufferedBodyRequest other = new BufferedBodyRequest(buffered, "{}".getBytes(UTF_8));
        HttpServletRequest replacing = new HttpServletRequestWrapper(buffered) {
            @Override
            public ServletInputStream getInputStream() {
                return other.getInputStream();
            }
        };
        MockHttpServletRequest unbuffered = new MockHttpServletRequest("POST", "/fhir");
        unbuffered.setContent(body);

        assertThat(new String(BufferedBodyRequest.bodyOf(replacing), UTF_8)).isEqualTo("{}");
        assertThat(BufferedBodyRequest.bodyOf(unbuffered)).isEqualTo(body).isNotSameAs(body);
    }
}
