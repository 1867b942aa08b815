package org.resistancecds.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The long soak ({@code bench/soak.sh}): warm-up, then mixed traffic at N clients for a fixed time, sampling the
 * server process's resident memory every five seconds. Prints latency percentiles, errors and memory, and exits
 * non-zero on any error or when resident memory at the end exceeds the stated bound over the post-warm-up level.
 *
 * <p>Usage: {@code SoakBenchmark <baseUrl> <serverPid> [--clients 16] [--seconds 300] [--warmup 30]
 * [--rss-growth 1.25]}
 */
public final class SoakBenchmark {

    private SoakBenchmark() {}

    public static void main(String[] args) throws Exception {
        String base = args[0];
        long pid = Long.parseLong(args[1]);
        int clients = Integer.parseInt(option(args, "--clients", "16"));
        int seconds = Integer.parseInt(option(args, "--seconds", "300"));
        int warmup = Integer.parseInt(option(args, "--warmup", "30"));
        double allowedGrowth = Double.parseDouble(option(args, "--rss-growth", "1.25"));

        System.out.printf("Warm-up: %d s at %d clients%n", warmup, clients);
        new SoakTraffic(base, null).run(clients, Duration.ofSeconds(warmup));
        long rssAfterWarmup = rssKb(pid);

        List<Long> samples = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> samples.add(rssKb(pid)), 0, 5, TimeUnit.SECONDS);
        SoakTraffic traffic = new SoakTraffic(base, null);
        System.out.printf("Soak: %d s at %d clients%n", seconds, clients);
        traffic.run(clients, Duration.ofSeconds(seconds));
        sampler.shutdownNow();
        long rssEnd = rssKb(pid);
        long rssMax = samples.stream().mapToLong(Long::longValue).max().orElse(rssEnd);

        System.out.printf(Locale.ROOT, "%n%d calls in %d s (%.1f calls/s), %d patients written, %d errors%n%s",
                traffic.calls(), seconds, traffic.calls() / (double) seconds, traffic.patientsWritten(),
                traffic.errorCount(), traffic.report());
        traffic.errors().forEach((reason, count) -> System.out.printf("  error x%d: %s%n", count, reason));
        System.out.printf(Locale.ROOT, "RSS after warm-up %d MiB, max during soak %d MiB, at end %d MiB (bound %.2fx = %d MiB)%n",
                rssAfterWarmup / 1024, rssMax / 1024, rssEnd / 1024, allowedGrowth,
                (long) (rssAfterWarmup * allowedGrowth) / 1024);
        boolean ok = traffic.errorCount() == 0 && rssEnd <= rssAfterWarmup * allowedGrowth;
        System.out.println(ok ? "PASS" : "FAIL");
        System.exit(ok ? 0 : 1);
    }

    /** Resident set size of a process, from /proc (Linux). */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the memory of process " + pid, e);
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 2; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
