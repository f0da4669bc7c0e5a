package dev.parley.loadtest;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The load, soak and chaos harness: runs one named scenario against the stack {@code deploy/loadtest/run} started,
 * prints every number with PASS/FAIL beside its target, and writes a JSON report and a latency plot (PNG) to
 * {@code deploy/loadtest/target/reports/}. Exit status 0 when every target passed, 1 otherwise, 2 on a usage error.
 *
 * <p>Scenarios (targets from the load-harness issue, for a 2-core machine running the whole stack):
 * {@code smoke} (CI), {@code ingress}, {@code e2e}, {@code sockets}, {@code saturation}, {@code chaos},
 * {@code soak}. Options: {@code --rate=N} (messages a second), {@code --seconds=N} (length of the measured part).
 */
public final class LoadHarness {

    private LoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: LoadHarness SCENARIO [--rate=N] [--seconds=N]");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        Stack stack = Stack.fromEnvironment();
        Path reports = stack.repo.resolve("deploy/loadtest/target/reports");
        Report report = new Report(args[0]);
        double rate = Double.parseDouble(options.getOrDefault("rate", "0"));
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "0"));
        try (LoadRun run = new LoadRun(stack)) {
            switch (args[0]) {
                case "smoke" -> Scenarios.smoke(run, report, or(rate, 20), or(seconds, 20));
                case "e2e" -> Scenarios.endToEnd(run, report, or(rate, 1000), or(seconds, 60));
                case "ingress" -> Scenarios.ingress(run, report, or(seconds, 20), options.get("baseline"));
                case "sockets" -> Scenarios.sockets(run, report, (int) Double.parseDouble(
                        options.getOrDefault("sockets", "10000")), or(rate, 100), or(seconds, 60));
                case "saturation" -> Scenarios.saturation(run, report, or(rate, 0), or(seconds, 40));
                case "chaos" -> Scenarios.chaos(run, report, or(rate, 300));
                case "soak" -> Scenarios.soak(run, report, or(rate, 200), or(seconds, 1800));
                default -> {
                    System.err.println("unknown scenario " + args[0]);
                    System.exit(2);
                }
            }
            if (report.timeline.isEmpty()) {
                report.seconds(run);
            }
            Path json = report.write(reports);
            Path png = Path.of(json.toString().replace(".json", ".png"));
            LatencyPlot.write(png, "Parley " + args[0], report.timeline, run.timeline.events());
            java.nio.file.Files.copy(png, reports.resolve(args[0] + "-latest.png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            System.out.println("report: " + json + "\nplot:   " + png);
        }
        System.out.println(report.allPass() ? "ALL TARGETS PASS" : "SOME TARGETS FAIL");
        System.exit(report.allPass() ? 0 : 1);
    }

    private static double or(double value, double fallback) {
        return value > 0 ? value : fallback;
    }
}
