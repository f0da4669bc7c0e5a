package dev.parley.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A run's numbers, as JSON and as lines on the terminal, each target printed with PASS or FAIL beside the measured
 * value: counts (sent, accepted, answered, unanswered, answered twice), acknowledgement and end-to-end latency,
 * Parley's overhead (latency minus the model's time), 429s from the platforms, CPU and RSS per process, faults and
 * their recovery, and a latency-by-second timeline for the plot.
 */
final class Report {

    /** The messages due in one second of the run. */
    record Second(long at, long sent, long answered, long unanswered, double p50Ms, double p99Ms, double maxMs) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final String scenario;
    final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode targets = JSON.createArrayNode();
    private final List<String> lines = new ArrayList<>();
    private boolean allPass = true;
    List<Second> timeline = List.of();

    Report(String scenario) {
        this.scenario = scenario;
        root.put("scenario", scenario).put("started", Instant.now().toString())
                .put("machine", Runtime.getRuntime().availableProcessors() + " cores");
    }

    ObjectNode section(String name) {
        return root.putObject(name);
    }

    void line(String format, Object... args) {
        String line = String.format(format, args);
        lines.add(line);
        System.out.println(line);
    }

    /** A target: {@code pass} decides, both values are printed and kept in the JSON. */
    void target(String name, String target, double measured, String unit, boolean pass) {
        targets.addObject().put("name", name).put("target", target)
                .put("measured", Double.isNaN(measured) ? null : round(measured))
                .put("unit", unit).put("pass", pass);
        allPass &= pass;
        line("  %-4s %-52s %12s %-6s (target %s)", pass ? "PASS" : "FAIL", name, fmt(measured), unit, target);
    }

    boolean allPass() {
        return allPass;
    }

    /** Counts and latencies of every message in the run, into a section named {@code name}. */
    Outcome messages(String name, LoadRun run) {
        Histogram e2e = histogram();
        Histogram overhead = histogram();
        Histogram model = histogram();
        // Stages: due → hub received, → bridge started, → model finished, → reply on Kafka, → platform send.
        String[] stageNames = {"toHub", "waitForBridge", "bridgeAndModel", "historyAndReplyProduce", "delivery"};
        Histogram[] stages = new Histogram[stageNames.length];
        for (int i = 0; i < stages.length; i++) {
            stages[i] = histogram();
        }
        long sent = 0;
        long accepted = 0;
        long answered = 0;
        long twice = 0;
        long extraAnswers = 0;
        long redelivered = 0;
        Map<String, long[]> perPlatform = new TreeMap<>();
        for (Ledger.Message m : run.ledger.all()) {
            sent++;
            long[] platform = perPlatform.computeIfAbsent(m.platform, k -> new long[3]);
            platform[0]++;
            if (m.redelivered) {
                redelivered++;
            }
            if (m.acceptedNanos >= 0) {
                accepted++;
            }
            if (m.answered()) {
                answered++;
                platform[1]++;
                long latency = Math.max(0, m.latencyNanos());
                e2e.recordValue(latency);
                if (m.replyOnKafkaAt > 0 && m.hubReceivedAt > 0) {
                    long[] at = {run.ledger.toEpochNanos(m.dueNanos), m.hubReceivedAt, m.bridgeStartedAt,
                        m.modelFinishedAt, m.replyOnKafkaAt, run.ledger.toEpochNanos(m.firstAnswerNanos)};
                    for (int i = 0; i < stages.length; i++) {
                        stages[i].recordValue(Math.max(0, at[i + 1] - at[i]));
                    }
                }
                if (m.modelNanos >= 0) {
                    model.recordValue(m.modelNanos);
                    overhead.recordValue(Math.max(0, latency - m.modelNanos));
                }
            }
            int answers = m.answers.get();
            if (answers > 1) {
                twice++;
                platform[2]++;
                extraAnswers += answers - 1;
            }
        }
        ObjectNode section = section(name);
        section.put("sent", sent).put("accepted", accepted).put("answered", answered)
                .put("unanswered", sent - answered).put("notAccepted", sent - accepted)
                .put("answeredTwice", twice).put("extraAnswers", extraAnswers)
                .put("redeliveredByPlatform", redelivered).put("untaggedAnswers", run.ledger.untaggedAnswers());
        run.ledger.untaggedSamples.forEach(section.putArray("untaggedAnswerSamples")::add);
        ArrayNode unanswered = section.putArray("someUnanswered");
        run.ledger.sortedByDue().stream().filter(m -> !m.answered()).limit(20).forEach(m -> unanswered.addObject()
                .put("tag", m.tag()).put("platform", m.platform).put("sender", m.sender)
                .put("dueSeconds", Report.round(m.dueNanos / 1e9)).put("accepted", m.acceptedNanos >= 0)
                .put("attempts", m.attempts.get()));
        ObjectNode platforms = section.putObject("perPlatform");
        perPlatform.forEach((platform, counts) -> platforms.putObject(platform).put("sent", counts[0])
                .put("answered", counts[1]).put("answeredTwice", counts[2]));
        percentiles(section.putObject("ackLatencyMs"), run.ledger.ackLatency);
        percentiles(section.putObject("endToEndLatencyMs"), e2e);
        percentiles(section.putObject("overheadMs"), overhead);
        percentiles(section.putObject("modelTimeMs"), model);
        section.put("overheadSamples", overhead.getTotalCount());
        ObjectNode stageSection = section.putObject("stagesMs");
        StringBuilder stageLine = new StringBuilder("  stages p50/p99 ms:");
        for (int i = 0; i < stages.length; i++) {
            percentiles(stageSection.putObject(stageNames[i]), stages[i]);
            stageLine.append(' ').append(stageNames[i]).append(' ').append(ms(stages[i], 50)).append('/')
                    .append(ms(stages[i], 99));
        }
        line("%s", stageLine);
        ObjectNode platformsSeen = section.putObject("platformCalls");
        platformsSeen.put("telegram429", run.telegramRateLimited.sum()).put("slack429", run.slackRateLimited.sum())
                .put("otherErrors", run.platformErrors.sum());
        run.platformErrorSamples.forEach(platformsSeen.putArray("otherErrorSamples")::add);
        if (run.webhooks != null) {
            ObjectNode webhooks = section.putObject("webhooks").put("retries", run.webhooks.retries.sum());
            ObjectNode retried = webhooks.putObject("retriedStatuses");
            run.webhooks.retriedStatuses.forEach((status, count) -> retried.put(Integer.toString(status), count.sum()));
            webhooks.put("refused4xx", run.webhooks.refused.sum()).put("redeliveries", run.webhooks.redeliveries.sum())
                    .put("redeliveriesAcknowledged", run.webhooks.redeliveriesAccepted.sum());
        }
        if (run.webchat != null) {
            section.putObject("webchat").put("reconnects", run.webchat.reconnects.sum())
                    .put("rejectedFrames", run.webchat.rejected.sum()).put("misroutedReplies", run.webchat.misrouted.sum())
                    .put("resentFrames", run.webchat.redeliveries.sum());
        }
        line("%s: sent %d, accepted %d, answered %d, unanswered %d, answered twice %d; 429s telegram %d slack %d",
                name, sent, accepted, answered, sent - answered, twice, run.telegramRateLimited.sum(),
                run.slackRateLimited.sum());
        line("  ack p50 %s p99 %s ms | end-to-end p50 %s p90 %s p99 %s max %s ms | overhead p50 %s p99 %s ms",
                ms(run.ledger.ackLatency, 50), ms(run.ledger.ackLatency, 99), ms(e2e, 50), ms(e2e, 90), ms(e2e, 99),
                fmt(e2e.getMaxValue() / 1e6), ms(overhead, 50), ms(overhead, 99));
        return new Outcome(sent, accepted, answered, twice, overhead);
    }

    /** What the targets are judged on. */
    record Outcome(long sent, long accepted, long answered, long answeredTwice, Histogram overhead) {
        long unanswered() {
            return sent - answered;
        }

        /** NaN (which fails every target) when nothing was answered: no latency is not a good latency. */
        double overheadMs(double percentile) {
            return overhead.getTotalCount() == 0 ? Double.NaN : overhead.getValueAtPercentile(percentile) / 1e6;
        }
    }

    /** Per-second latency of the messages due in that second. */
    List<Second> seconds(LoadRun run) {
        TreeMap<Long, List<Ledger.Message>> bySecond = new TreeMap<>();
        for (Ledger.Message m : run.ledger.all()) {
            bySecond.computeIfAbsent(m.dueNanos / 1_000_000_000L, k -> new ArrayList<>()).add(m);
        }
        List<Second> seconds = new ArrayList<>();
        ArrayNode json = root.putArray("timeline");
        bySecond.forEach((at, messages) -> {
            Histogram h = histogram();
            long unanswered = 0;
            for (Ledger.Message m : messages) {
                if (m.answered()) {
                    h.recordValue(Math.max(0, m.latencyNanos()));
                } else {
                    unanswered++;
                }
            }
            Second second = new Second(at, messages.size(), h.getTotalCount(), unanswered,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
            seconds.add(second);
            json.addObject().put("at", at).put("sent", second.sent()).put("answered", second.answered())
                    .put("unanswered", unanswered).put("p50Ms", round(second.p50Ms()))
                    .put("p99Ms", round(second.p99Ms())).put("maxMs", round(second.maxMs()));
        });
        timeline = seconds;
        return seconds;
    }

    /**
     * Mean and max CPU, max and last RSS per process; RSS slope in MiB per minute (least squares); with
     * {@code messages} > 0 also each process's CPU time per message over the window (where the machine goes).
     */
    Map<String, double[]> processes(LoadRun run, double fromSeconds, long messages) {
        ObjectNode section = section("processes");
        Map<String, double[]> summary = new TreeMap<>();
        run.processes.samples().forEach((name, samples) -> {
            List<ProcessSampler.Sample> window = samples.stream().filter(s -> s.atSeconds() >= fromSeconds).toList();
            if (window.isEmpty()) {
                return;
            }
            double cpuMean = window.stream().mapToDouble(ProcessSampler.Sample::cpuPercent).average().orElse(0);
            double cpuMax = window.stream().mapToDouble(ProcessSampler.Sample::cpuPercent).max().orElse(0);
            double rssMax = window.stream().mapToDouble(ProcessSampler.Sample::rssMiB).max().orElse(0);
            double rssLast = window.get(window.size() - 1).rssMiB();
            double slope = slopePerMinute(window.stream().map(s -> new double[] {s.atSeconds(), s.rssMiB()}).toList());
            summary.put(name, new double[] {cpuMean, cpuMax, rssMax, rssLast, slope});
            double windowSeconds = window.get(window.size() - 1).atSeconds() - window.get(0).atSeconds() + 1;
            ObjectNode process = section.putObject(name);
            if (messages > 0) {
                process.put("cpuMsPerMessage", round(cpuMean / 100 * windowSeconds * 1000 / messages));
            }
            process.put("cpuMeanPercent", round(cpuMean)).put("cpuMaxPercent", round(cpuMax))
                    .put("rssMaxMiB", round(rssMax)).put("rssLastMiB", round(rssLast))
                    .put("rssSlopeMiBPerMinute", round(slope));
        });
        StringBuilder cpu = new StringBuilder("  CPU % (mean of one core) / RSS max MiB:");
        summary.forEach((name, v) -> cpu.append(String.format(" %s %.0f/%.0f", name, v[0], v[2])));
        line("%s", cpu);
        return summary;
    }

    /** Least-squares slope of (seconds, value) points, per minute. */
    static double slopePerMinute(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return 0;
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] p : points) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return den == 0 ? 0 : num / den * 60;
    }

    Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        root.set("targets", targets);
        root.put("allTargetsPass", allPass);
        String stamp = Instant.now().toString().replace(":", "").replaceAll("\\..*", "");
        Path json = folder.resolve(scenario + "-" + stamp + ".json");
        JSON.writeValue(json.toFile(), root);
        Files.copy(json, folder.resolve(scenario + "-latest.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return json;
    }

    static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toNanos(3600), 3);
    }

    private static void percentiles(ObjectNode node, Histogram h) {
        node.put("count", h.getTotalCount()).put("p50", round(h.getValueAtPercentile(50) / 1e6))
                .put("p90", round(h.getValueAtPercentile(90) / 1e6)).put("p99", round(h.getValueAtPercentile(99) / 1e6))
                .put("max", round(h.getMaxValue() / 1e6)).put("mean", round(h.getMean() / 1e6));
    }

    private static String ms(Histogram h, double percentile) {
        return fmt(h.getValueAtPercentile(percentile) / 1e6);
    }

    static String fmt(double value) {
        return Math.abs(value) >= 100 ? String.format("%.0f", value) : String.format("%.1f", value);
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
