package org.resistancecds.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resistancecds.AbstractTrustedEhrIT;

/** Replays the fuzzer's seeds and past findings ({@code HttpFuzzITInputs/}) in every build, without the fuzzer. */
class HttpFuzzCorpusIT extends AbstractTrustedEhrIT {

    private static final Path CORPUS = Path.of("src/test/resources/org/resistancecds/reliability/HttpFuzzITInputs");

    static Stream<Path> fhirWrites() throws IOException {
        return inputs("fhirWrites");
    }

    static Stream<Path> cdsCalls() throws IOException {
        return inputs("cdsCalls");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void fhirWrites(Path input) throws Exception {
        HttpFuzzTargets.fhirWrite(http, baseUrl(), Files.readAllBytes(input));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void cdsCalls(Path input) throws Exception {
        HttpFuzzTargets.cdsCall(http, baseUrl(), Files.readAllBytes(input), AbstractTrustedEhrIT::ehrAuthorization);
    }

    private static Stream<Path> inputs(String target) throws IOException {
        return Files.list(CORPUS.resolve(target)).filter(Files::isRegularFile).sorted();
    }
}
