package org.resistancecds.reliability;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.resistancecds.AbstractTrustedEhrIT;

/**
 * Coverage-guided fuzzing of the HTTP endpoints with Jazzer ({@link HttpFuzzTargets} says what is sent and what
 * counts as a finding). Only {@code -Pfuzz} runs this class (see server/pom.xml); every build replays its seeds
 * and past findings, kept in {@code HttpFuzzITInputs/}, through {@link HttpFuzzCorpusIT}.
 */
class HttpFuzzIT extends AbstractTrustedEhrIT {

    @FuzzTest(maxDuration = "2m")
    void fhirWrites(byte[] input) throws Exception {
        try (SilentCloseable toTheTestServer = allowTestServer()) {
            HttpFuzzTargets.fhirWrite(http, baseUrl(), input);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void cdsCalls(byte[] input) throws Exception {
        try (SilentCloseable toTheTestServer = allowTestServer()) {
            HttpFuzzTargets.cdsCall(http, baseUrl(), input, AbstractTrustedEhrIT::ehrAuthorization);
        }
    }

    /** Jazzer's SSRF detector would report the target's own calls; only the test server is allowed. */
    private SilentCloseable allowTestServer() {
        return BugDetectors.allowNetworkConnections((host, port) -> "localhost".equals(host) && port == this.port);
    }
}
