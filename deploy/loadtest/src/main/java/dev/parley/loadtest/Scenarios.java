package dev.parley.loadtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The named scenarios. Each prepares its traffic, runs it, and judges the numbers against the load-harness issue's
 * targets for this 2-core machine (a miss is printed as FAIL with the measured number, never hidden).
 */
final class Scenarios {

    private Scenarios() {
    }

    /** CI: a short mixed run on two hub nodes; nothing lost, nothing answered twice, no 429s. */
    static void smoke(LoadRun run, Report report, double rate, double seconds) throws Exception {
        run.prepare(Workload.mixed(), rate, null);
        warmUp(run, rate / 4, 10);
        run.drive(rate, seconds, Workload.mixed().redeliveryShare());
        run.stopAfter(run.drain(60));
        Report.Outcome outcome = report.messages("smoke", run);
        report.processes(run, 0, 0);
        report.target("lost messages (sent, never answered)", "0", outcome.unanswered(), "", outcome.unanswered() == 0);
        report.target("messages answered twice", "0", outcome.answeredTwice(), "", outcome.answeredTwice() == 0);
        long limited = run.telegramRateLimited.sum() + run.slackRateLimited.sum();
        report.target("429 answers from the platforms", "0", limited, "", limited == 0);
    }

    /** Telegram, Slack and web chat at {@code rate}, model at zero latency; a warm-up at a fifth of it first. */
    static void endToEnd(LoadRun run, Report report, double rate, double seconds) throws Exception {
        Workload workload = Workload.mixed();
        run.prepare(workload, rate, null);
        warmUp(run, rate / 5, 15);
        run.drive(rate, seconds, workload.redeliveryShare());
        run.stopAfter(run.drain(120));
        Report.Outcome outcome = report.messages("e2e", run);
        report.processes(run, run.measuredFromSeconds, outcome.answered());
        report.target("accepted messages / s", ">= " + (int) rate, outcome.accepted() / seconds, "/s",
                outcome.accepted() / seconds >= rate * 0.99);
        report.target("overhead p50 (latency - model time)", "<= 15", outcome.overheadMs(50), "ms",
                outcome.overheadMs(50) <= 15);
        report.target("overhead p99", "<= 60", outcome.overheadMs(99), "ms", outcome.overheadMs(99) <= 60);
        noneLostNoneTwice(report, outcome);
        long limited = run.telegramRateLimited.sum() + run.slackRateLimited.sum();
        report.target("429 answers from the platforms", "~0", limited, "", limited <= outcome.sent() / 1000);
    }

    /**
     * Signed Telegram webhooks as fast as they are acknowledged (64 in flight): first against a bare Quarkus endpoint
     * (the yardstick: what the machine, the JVM and this generator do with no work behind the answer) while the stack
     * is idle, then against the hub; then open loop at 2,000/s for the acknowledgement latency.
     */
    static void ingress(LoadRun run, Report report, double seconds, String baselineUrl) throws Exception {
        run.prepare(Workload.telegramOnly(), 5000, null);
        warmUp(run, 50, 10);
        double baselinePerSecond = Double.NaN;
        if (baselineUrl != null) {
            Webhooks hub = run.webhooks;
            Webhooks bare = new Webhooks(run.vertx, List.of(baselineUrl), run.ledger, 64);
            run.telegramUsers.sendThrough(bare);
            baselinePerSecond = run.flood(64, seconds) / seconds;
            report.line("bare endpoint: retries %d %s, refused %d", bare.retries.sum(), bare.retriedStatuses,
                    bare.refused.sum());
            bare.stop();
            bare.close();
            run.telegramUsers.sendThrough(hub);
            run.ledger.reset();
            report.line("bare Quarkus endpoint, same generator: %.0f/s", baselinePerSecond);
        }
        run.measuredFromSeconds = run.ledger.now() / 1e9;
        long accepted = run.flood(64, seconds);
        double perSecond = accepted / seconds;
        report.section("flood").put("seconds", seconds).put("accepted", accepted)
                .put("acceptedPerSecond", Report.round(perSecond))
                .put("bareQuarkusPerSecond", Report.round(baselinePerSecond))
                .put("parleyToBareRatio", Report.round(perSecond / baselinePerSecond * 1000) / 1000);
        report.line("flood: %d accepted in %.0f s = %.0f/s (%.1f %% of the bare endpoint)", accepted, seconds,
                perSecond, 100 * perSecond / baselinePerSecond);
        Report.Outcome flood = report.messages("flood", run);
        report.processes(run, run.measuredFromSeconds, flood.accepted());
        run.ledger.reset();
        run.drive(2000, seconds / 2, 0);
        Thread.sleep(3000);
        Report.Outcome paced = report.messages("at2000PerSecond", run);
        double ackP99 = run.ledger.ackLatency.getValueAtPercentile(99) / 1e6;
        report.target("messages accepted durably / s (flood)", ">= 5000", perSecond, "/s", perSecond >= 5000);
        report.target("acknowledgement p99 at 2,000/s", "<= 25", ackP99, "ms", ackP99 <= 25);
        report.target("accepted at 2,000/s", "all " + paced.sent(), paced.accepted(), "",
                paced.accepted() == paced.sent());
    }

    /** Many web chat sockets on hub node 1, messages at a low rate, replies routed through both nodes. */
    static void sockets(LoadRun run, Report report, int sockets, double rate, double seconds) throws Exception {
        Workload workload = Workload.webchatOnly(sockets / rate);
        long t0 = System.nanoTime();
        run.prepare(workload, rate, 1);
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        report.line("%d sockets on hub-1 in %.1f s", run.webchat.connected(), connectSeconds);
        run.measuredFromSeconds = run.ledger.now() / 1e9;
        run.drive(rate, seconds, workload.redeliveryShare());
        run.stopAfter(run.drain(60));
        Report.Outcome outcome = report.messages("sockets", run);
        Map<String, double[]> processes = report.processes(run, run.measuredFromSeconds, outcome.answered());
        int open = run.webchat.connected();
        report.section("sockets").put("requested", sockets).put("openAtEnd", open)
                .put("connectSeconds", Report.round(connectSeconds));
        double rss = processes.getOrDefault("hub-1", new double[5])[2];
        report.target("sockets open on hub-1", ">= " + sockets, open, "", open >= sockets);
        report.target("hub-1 RSS with them", "<= 600", rss, "MiB", rss <= 600);
        long misrouted = run.webchat.misrouted.sum();
        report.target("replies to the wrong visitor", "0", misrouted, "", misrouted == 0);
        noneLostNoneTwice(report, outcome);
    }

    /**
     * Demand above the pool's capacity for {@code seconds}, then nothing: the pool runs full (vLLM's own running
     * gauge on each simulated replica), the bridge's lag grows while it does and drains afterwards.
     */
    static void saturation(LoadRun run, Report report, double rate, double seconds) throws Exception {
        int replicas = run.stack.simulators;
        int slots = Integer.parseInt(System.getenv().getOrDefault("PARLEY_SIMULATOR_MAX_CONCURRENT_SEQUENCES", "32"));
        double capacityEstimate = replicas * slots / 1.0; // answers a second if one takes ~1 s (200 ms + 32 tokens at 40/s)
        double demand = rate > 0 ? rate : capacityEstimate * 1.25;
        Workload workload = Workload.webchatOnly(60);
        run.prepare(workload, demand, null);
        List<double[]> samples = new ArrayList<>(); // {t, running, lag}
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                double running = 0;
                for (int i = 1; i <= replicas; i++) {
                    running += PrometheusScrape.sum(run.stack.simulatorUrl(i) + "/metrics",
                            "vllm:num_requests_running", "").orElse(0);
                }
                OptionalDouble lag = PrometheusScrape.sum(run.stack.hubUrl(1) + "/q/metrics",
                        "parley_kafka_group_lag_messages", "group=\"parley-bridge\"");
                synchronized (samples) {
                    samples.add(new double[] {run.ledger.now() / 1e9, running, lag.orElse(-1)});
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        double burstStart = run.ledger.now() / 1e9;
        run.drive(demand, seconds, 0);
        double burstEnd = run.ledger.now() / 1e9;
        double drained = run.drain(600);
        run.stopAfter(drained);
        Thread.sleep(6000); // one more lag sample after the drain
        sampler.interrupt();
        Report.Outcome outcome = report.messages("saturation", run);
        report.processes(run, 0, 0);
        double settle = burstStart + 10; // the pool fills within a few seconds of the burst's start
        double utilisation;
        double maxLag = 0;
        double lagAtEnd;
        ArrayNode series;
        synchronized (samples) {
            utilisation = samples.stream().filter(s -> s[0] >= settle && s[0] <= burstEnd)
                    .mapToDouble(s -> s[1]).average().orElse(0) / (replicas * slots);
            for (double[] s : samples) {
                maxLag = Math.max(maxLag, s[2]);
            }
            lagAtEnd = samples.isEmpty() ? -1 : samples.get(samples.size() - 1)[2];
            ObjectNode section = report.section("pool").put("replicas", replicas).put("slotsPerReplica", slots)
                    .put("demandPerSecond", Report.round(demand)).put("burstSeconds", seconds)
                    .put("drainSeconds", Report.round(drained));
            series = section.putArray("samples");
            for (double[] s : samples) {
                series.addArray().add(Report.round(s[0])).add(s[1]).add(s[2]);
            }
        }
        double answeredPerSecond = outcome.answered() / (burstEnd - burstStart + drained);
        report.line("pool: utilisation %.1f %% during the burst, lag max %.0f, lag after drain %.0f, %.1f answers/s",
                utilisation * 100, maxLag, lagAtEnd, answeredPerSecond);
        report.target("pool utilisation during the burst", ">= 95", utilisation * 100, "%", utilisation >= 0.95);
        report.target("bridge lag grew during the burst", "> 0", maxLag, "records", maxLag > 0);
        report.target("bridge lag after the drain", "0", lagAtEnd, "records", lagAtEnd == 0);
        report.target("lost messages", "0", outcome.unanswered(), "", outcome.unanswered() == 0);
    }

    /**
     * {@code e2e} traffic at {@code rate} while, one after another, a hub node, the bridge, Kafka, Redis, the
     * Infinispan server and a model replica fail; each is brought back by {@code parley up} (as a supervisor would).
     */
    static void chaos(LoadRun run, Report report, double rate) throws Exception {
        Workload workload = Workload.mixed();
        run.prepare(workload, rate, null);
        warmUp(run, rate / 3, 10);
        String replica = Stack.simulatorName(run.stack.simulators);
        List<Fault> faults = List.of(
                new Fault("kill -9 hub-2", () -> run.stack.kill("hub-2")),
                new Fault("kill -9 bridge", () -> run.stack.kill("bridge")),
                new Fault("restart kafka", () -> run.stack.stop("kafka")),
                new Fault("restart redis", () -> run.stack.stop("redis")),
                new Fault("restart infinispan", () -> run.stack.stop("infinispan")),
                new Fault("kill -9 " + replica, () -> run.stack.kill(replica)));
        double spacing = 40;
        Thread traffic = Thread.ofPlatform().start(() -> run.drive(rate, spacing * (faults.size() + 1), 0.05));
        Thread.sleep((long) (spacing * 500));
        for (Fault fault : faults) {
            Timeline.Event event = run.timeline.mark(fault.name(), run.ledger.now() / 1e9);
            report.line("fault at %.0f s: %s", event.atSeconds, fault.name());
            fault.action().run();
            Thread.sleep(3000); // down for a moment, as a supervisor restarting it would leave it
            run.stack.heal();
            event.healedSeconds = run.ledger.now() / 1e9;
            report.line("  every process back after %.1f s", event.healedSeconds - event.atSeconds);
            Thread.sleep((long) Math.max(0, (spacing - (event.healedSeconds - event.atSeconds)) * 1000));
        }
        traffic.join();
        run.stopAfter(run.drain(180));
        Report.Outcome outcome = report.messages("chaos", run);
        report.processes(run, 0, 0);
        List<Report.Second> seconds = report.seconds(run);
        double healthyP99 = seconds.stream().filter(s -> s.at() < run.timeline.events().get(0).atSeconds - 1
                && s.at() > run.measuredFromSeconds).mapToDouble(Report.Second::p99Ms).max().orElse(100);
        double threshold = Math.max(1000, 3 * healthyP99);
        ArrayNode faultsJson = report.root.putArray("faults");
        for (Timeline.Event event : run.timeline.events()) {
            double recovery = recovery(run, event.atSeconds, threshold);
            faultsJson.addObject().put("fault", event.name).put("atSeconds", Report.round(event.atSeconds))
                    .put("processBackSeconds", Report.round(event.healedSeconds - event.atSeconds))
                    .put("recoverySeconds", Report.round(recovery));
            report.line("  %-22s every process back after %5.1f s; answers on time again after %5.1f s", event.name,
                    event.healedSeconds - event.atSeconds, recovery);
        }
        report.root.put("recoveryThresholdMs", threshold);
        report.target("lost messages through all faults", "0", outcome.unanswered(), "", outcome.unanswered() == 0);
        report.target("messages answered twice", "0", outcome.answeredTwice(), "", outcome.answeredTwice() == 0);
    }

    /**
     * Seconds from a fault until the messages sent from then on are answered within {@code thresholdMs} again: the
     * first due time after the fault from which every message of the next 5 s was answered that fast.
     */
    static double recovery(LoadRun run, double faultSeconds, double thresholdMs) {
        List<Ledger.Message> after = run.ledger.sortedByDue().stream()
                .filter(m -> m.dueNanos / 1e9 >= faultSeconds).toList();
        for (int i = 0; i < after.size(); i++) {
            double from = after.get(i).dueNanos / 1e9;
            boolean good = true;
            for (int j = i; j < after.size() && after.get(j).dueNanos / 1e9 < from + 5; j++) {
                Ledger.Message m = after.get(j);
                if (!m.answered() || m.latencyNanos() / 1e6 > thresholdMs) {
                    good = false;
                    break;
                }
            }
            if (good) {
                return from - faultSeconds;
            }
        }
        return Double.NaN;
    }

    /** A long run at a steady rate: RSS of every process and latency should stay flat (slopes reported). */
    static void soak(LoadRun run, Report report, double rate, double seconds) throws Exception {
        Workload workload = Workload.mixed();
        run.prepare(workload, rate, null);
        warmUp(run, rate / 2, 15);
        run.drive(rate, seconds, workload.redeliveryShare());
        run.stopAfter(run.drain(120));
        Report.Outcome outcome = report.messages("soak", run);
        // RSS slope over the second half: the JVMs grow their heaps at first, then should stay flat.
        double half = run.measuredFromSeconds + seconds / 2;
        Map<String, double[]> processes = report.processes(run, half, 0);
        List<Report.Second> timeline = report.seconds(run);
        double latencySlope = Report.slopePerMinute(timeline.stream().filter(s -> s.answered() > 0)
                .map(s -> new double[] {s.at(), s.p50Ms()}).toList());
        report.root.put("p50LatencySlopeMsPerMinute", Report.round(latencySlope));
        report.line("p50 latency slope %.2f ms/min; RSS slopes (MiB/min, second half):", latencySlope);
        processes.forEach((name, v) -> report.line("  %-12s %+.2f", name, v[4]));
        double worst = processes.entrySet().stream().filter(e -> !e.getKey().equals(ProcessSampler.HARNESS))
                .mapToDouble(e -> e.getValue()[4]).max().orElse(0);
        report.target("largest RSS slope of a stack process (second half)", "~0 (<= 1)", worst, "MiB/min",
                worst <= 1);
        report.target("p50 latency slope", "~0 (<= 0.5)", latencySlope, "ms/min", Math.abs(latencySlope) <= 0.5);
        noneLostNoneTwice(report, outcome);
    }

    /** The targets every scenario with answers has: nothing lost, nothing answered twice. */
    private static void noneLostNoneTwice(Report report, Report.Outcome outcome) {
        report.target("lost messages", "0", outcome.unanswered(), "", outcome.unanswered() == 0);
        report.target("messages answered twice", "0", outcome.answeredTwice(), "", outcome.answeredTwice() == 0);
    }

    private static void warmUp(LoadRun run, double rate, double seconds) throws InterruptedException {
        System.out.printf("warm-up: %.0f messages/s for %.0f s (not counted)%n", rate, seconds);
        run.drive(rate, seconds, 0);
        run.drain(60);
        run.ledger.reset();
        run.measuredFromSeconds = run.ledger.now() / 1e9;
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    record Fault(String name, Action action) {
    }
}
