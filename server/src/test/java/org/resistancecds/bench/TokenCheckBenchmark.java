package org.resistancecds.bench;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.resistancecds.cds.security.CdsJwtVerifier;
import org.resistancecds.cds.security.CdsSecurityProperties;
import org.resistancecds.cds.security.TestJwts;

/**
 * CPU time of checking one CDS client token in this JVM (signature, claims, replay memory), for each algorithm
 * CDS Hooks names: ES384 and RS384. Not a test: the figures depend on the machine and the JDK.
 *
 * <p>Usage: {@code TokenCheckBenchmark [tokens per round] [rounds]} (defaults 2000 and 4). Tokens are signed
 * before each timed round, so only the checks are timed.
 */
public final class TokenCheckBenchmark {

    private static final String SERVICE = "https://cds.example.org/cds-services/ici-resistance-patient-view";

    private TokenCheckBenchmark() {}

    public static void main(String[] args) {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        CdsJwtVerifier verifier = new CdsJwtVerifier(new CdsSecurityProperties(true, List.of("ES384", "RS384"),
                Duration.ofSeconds(60), Duration.ofMinutes(10), 2 * perRound * rounds, Duration.ofMinutes(10),
                Duration.ofSeconds(5), List.of(
                        new CdsSecurityProperties.Client(TestJwts.ISSUER, TestJwts.trustedJwks(), null, List.of()),
                        new CdsSecurityProperties.Client(TestJwts.RSA_ISSUER, TestJwts.rsaJwks(), null, List.of()))),
                Clock.systemUTC());
        System.out.println("java " + System.getProperty("java.version") + ", " + perRound + " tokens per round");
        for (int round = 1; round <= rounds; round++) {
            time(verifier, "ES384", round, perRound, () -> TestJwts.es384(TestJwts.claims(SERVICE).build()));
            time(verifier, "RS384", round, perRound,
                    () -> TestJwts.rs384(TestJwts.claims(SERVICE).issuer(TestJwts.RSA_ISSUER).build()));
        }
    }

    private static void time(CdsJwtVerifier verifier, String algorithm, int round, int count, Supplier<String> sign) {
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tokens.add(sign.get());
        }
        long start = System.nanoTime();
        for (String token : tokens) {
            verifier.verify(token, List.of(URI.create(SERVICE)));
        }
        System.out.printf("round %d %s: %.3f ms per token checked%n", round, algorithm,
                (System.nanoTime() - start) / 1e6 / count);
    }
}
