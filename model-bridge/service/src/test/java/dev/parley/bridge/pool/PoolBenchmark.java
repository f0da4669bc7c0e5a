package dev.parley.bridge.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parley.bridge.config.BridgeConfig;
import dev.parley.bridge.consume.ConversationLanes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The model pool's benchmark (issue "model bridge"): four simulated vLLM replicas of 32 sequences each (separate
 * processes, the real simulator), the bridge's own {@link ConversationLanes} and {@link ModelPool}, and more
 * conversations than the pool can serve at once. Each conversation writes, waits for its answer, thinks, and writes
 * again, with its history growing, so its prompt shares a prefix with the previous one. A single dispatcher admits
 * messages in arrival order, as the Kafka consumer does.
 *
 * <p>Measured: the sequences the replicas run as a share of the pool's capacity (sampled every 100 ms after a warm-up), queue
 * wait (arrival to first token) p50/p99, the share of a conversation's follow-up requests served by the replica that
 * served its previous one, answers per second; with affinity routing and with round robin. In a third run (affinity)
 * one replica is SIGKILLed halfway: requests lost (answered "busy" or never) and the time until the surviving
 * replicas are as full as before. Run with {@code deploy/loadtest/pool-benchmark}; prints a table and writes
 * {@code model-bridge/service/target/pool-benchmark.json}.
 */
public final class PoolBenchmark {

    private static final Path SIMULATOR = Path.of("model-bridge/simulator/target/quarkus-app/quarkus-run.jar");
    private static final int REPLICAS = 4;
    private static final int SEQUENCES = 32;

    record Run(String routing, int conversations, double seconds, long answered, long busy, double answersPerSecond,
               double utilisation, long queueWaitP50Ms, long queueWaitP99Ms, double affinityShare,
               Long killedAtSecond, Long recoveredAfterMs) {
    }

    public static void main(String[] args) throws Exception {
        int conversations = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        List<Run> runs = new ArrayList<>();
        runs.add(run("affinity", conversations, Duration.ofSeconds(seconds), false));
        runs.add(run("round-robin", conversations, Duration.ofSeconds(seconds), false));
        runs.add(run("affinity", conversations, Duration.ofSeconds(seconds), true));
        System.out.printf("%n%-12s %6s %8s %6s %9s %11s %9s %9s %9s %10s%n", "routing", "convs", "answered", "busy",
                "answers/s", "utilisation", "wait p50", "wait p99", "affinity", "recovered");
        for (Run r : runs) {
            System.out.printf("%-12s %6d %8d %6d %9.1f %10.1f%% %7d ms %7d ms %8.1f%% %10s%n", r.routing(),
                    r.conversations(), r.answered(), r.busy(), r.answersPerSecond(), r.utilisation() * 100,
                    r.queueWaitP50Ms(), r.queueWaitP99Ms(), r.affinityShare() * 100,
                    r.recoveredAfterMs() == null ? "-" : r.recoveredAfterMs() + " ms");
        }
        Path report = Path.of("model-bridge/service/target/pool-benchmark.json");
        Files.createDirectories(report.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), runs);
        System.out.println("\nwritten to " + report);
        System.exit(0);
    }

    private static Run run(String routing, int conversations, Duration length, boolean killOne) throws Exception {
        List<Process> replicas = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        try {
            for (int i = 0; i < REPLICAS; i++) {
                int port = freePort();
                replicas.add(simulator(i, port));
                urls.add("http://127.0.0.1:" + port + "/v1");
            }
            for (String url : urls) {
                awaitHealthy(url.replace("/v1", "/health"));
            }
            return measure(routing, conversations, length, killOne, replicas, urls);
        } finally {
            replicas.forEach(Process::destroyForcibly);
        }
    }

    private static Run measure(String routing, int conversations, Duration length, boolean killOne,
                               List<Process> replicas, List<String> urls) throws Exception {
        // Quarkus's converter reads "200ms" and "7d" as the application does.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(BridgeConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(Map.of("parley.pool.replicas", String.join(",", urls),
                        "parley.pool.routing", routing, "parley.pool.replica-concurrency", Integer.toString(SEQUENCES),
                        "parley.pool.scrape-interval", "200ms", "parley.pool.attempts", "6",
                        "parley.model.max-tokens", "48"))
                .build();
        ModelPool pool = new ModelPool(config.getConfigMapping(BridgeConfig.class), new ObjectMapper(),
                new SimpleMeterRegistry());
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        ConversationLanes lanes = new ConversationLanes(workers, 0);
        pool.start(null);
        pool.onCapacity(lanes::capacity);

        record Arrival(int conversation, long arrivedNanos) {
        }
        LinkedBlockingQueue<Arrival> topic = new LinkedBlockingQueue<>();
        // A conversation's next message lands on the "topic" when its user has finished thinking.
        ScheduledExecutorService users = Executors.newSingleThreadScheduledExecutor();
        List<Long> queueWaits = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, String> lastReplica = new ConcurrentHashMap<>();
        Map<Integer, List<ChatMessage>> histories = new ConcurrentHashMap<>();
        AtomicLong answered = new AtomicLong();
        AtomicLong busy = new AtomicLong();
        AtomicLong followUps = new AtomicLong();
        AtomicLong sameReplica = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Random random = new Random(42);
        long start = System.nanoTime();
        long warmUp = start + Duration.ofSeconds(10).toNanos();
        for (int c = 0; c < conversations; c++) {
            histories.put(c, new ArrayList<>(List.of(new ChatMessage(ChatMessage.SYSTEM, "You are a benchmark."))));
            int conversation = c;
            users.schedule(() -> topic.add(new Arrival(conversation, System.nanoTime())), random.nextInt(2000),
                    TimeUnit.MILLISECONDS);
        }

        Thread dispatcher = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                Arrival arrival;
                try {
                    arrival = topic.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (arrival == null) {
                    continue;
                }
                ConversationLanes.Admission admission = lanes.admit("c" + arrival.conversation(), () -> {
                    List<ChatMessage> history = histories.get(arrival.conversation());
                    history.add(new ChatMessage("user", "question " + history.size() + " of conversation "
                            + arrival.conversation() + ": tell me about the weather, the tides and the trains."));
                    long[] firstToken = {0};
                    try {
                        Completion completion = pool.complete("c" + arrival.conversation(), List.copyOf(history),
                                null, text -> {
                                    if (firstToken[0] == 0) {
                                        firstToken[0] = System.nanoTime();
                                    }
                                });
                        history.add(new ChatMessage("assistant", completion.text()));
                        if (history.size() > 12) {
                            history.subList(1, 3).clear();
                        }
                        if (arrival.arrivedNanos() > warmUp && firstToken[0] != 0) {
                            queueWaits.add((firstToken[0] - arrival.arrivedNanos()) / 1_000_000);
                            answered.incrementAndGet();
                            String previous = lastReplica.put(arrival.conversation(), completion.model());
                            if (previous != null) {
                                followUps.incrementAndGet();
                                if (previous.equals(completion.model())) {
                                    sameReplica.incrementAndGet();
                                }
                            }
                        } else {
                            lastReplica.put(arrival.conversation(), completion.model());
                        }
                    } catch (ModelPool.PoolUnavailable e) {
                        busy.incrementAndGet();
                    }
                    users.schedule(() -> topic.add(new Arrival(arrival.conversation(), System.nanoTime())),
                            500 + ThreadLocalRandom.current().nextInt(1500), TimeUnit.MILLISECONDS);
                });
                try {
                    admission.admitted().toCompletableFuture().join();
                } catch (RuntimeException e) {
                    return;
                }
            }
        });

        List<Double> utilisation = new ArrayList<>();
        Long killedAt = null;
        Long recoveredAfter = null;
        long end = start + length.toNanos();
        long killAt = start + length.toNanos() / 2;
        long killedNanos = 0;
        double fullBeforeKill = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(100);
            long now = System.nanoTime();
            // The replicas' own count of sequences in their running batch (vllm:num_requests_running, scraped by the
            // pool every 200 ms): what the GPUs are actually doing, not what was sent to them.
            List<ReplicaLoad> loads = pool.replicas();
            int batch = loads.stream().filter(ReplicaLoad::routable).mapToInt(ReplicaLoad::running).sum();
            int capacity = loads.stream().filter(ReplicaLoad::routable).mapToInt(ReplicaLoad::capacity).sum();
            if (now > warmUp && killedAt == null && capacity > 0) {
                utilisation.add(Math.min(1.0, (double) batch / capacity));
            }
            if (killOne && killedAt == null && now > killAt) {
                fullBeforeKill = utilisation.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                replicas.get(REPLICAS - 1).destroyForcibly();
                killedNanos = now;
                killedAt = Duration.ofNanos(now - start).toSeconds();
            } else if (killedAt != null && recoveredAfter == null) {
                String gone = urls.get(REPLICAS - 1);
                int survivors = loads.stream().filter(l -> !l.id().equals(gone)).mapToInt(ReplicaLoad::running).sum();
                int survivorCapacity = (REPLICAS - 1) * SEQUENCES;
                if ((double) survivors / survivorCapacity >= Math.min(0.95, fullBeforeKill)) {
                    recoveredAfter = Duration.ofNanos(now - killedNanos).toMillis();
                }
            }
        }
        running.set(false);
        dispatcher.join(5000);
        double seconds = Duration.ofNanos(System.nanoTime() - warmUp).toMillis() / 1000.0;
        pool.stop(null);
        users.shutdownNow();
        workers.shutdownNow();

        List<Long> waits = new ArrayList<>(queueWaits);
        Collections.sort(waits);
        return new Run(routing, conversations, seconds, answered.get(), busy.get(), answered.get() / seconds,
                utilisation.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                percentile(waits, 0.50), percentile(waits, 0.99),
                followUps.get() == 0 ? 0 : (double) sameReplica.get() / followUps.get(), killedAt, recoveredAfter);
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private static Process simulator(int index, int port) throws IOException {
        if (!Files.exists(SIMULATOR)) {
            throw new IllegalStateException(SIMULATOR.toAbsolutePath() + " is missing: build it first");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        File log = Path.of("model-bridge/service/target/bench-replica-" + index + ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx160m", "-XX:TieredStopAtLevel=1", "-jar",
                SIMULATOR.toString()).redirectErrorStream(true).redirectOutput(log);
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("PARLEY_SIMULATOR_MODEL_NAME", "replica-" + index);
        env.put("PARLEY_SIMULATOR_MAX_CONCURRENT_SEQUENCES", Integer.toString(SEQUENCES));
        env.put("PARLEY_SIMULATOR_TIME_TO_FIRST_TOKEN", "200ms");
        env.put("PARLEY_SIMULATOR_TOKENS_PER_SECOND", "40");
        env.put("PARLEY_SIMULATOR_REPLY_TOKENS", "48");
        env.put("PARLEY_SIMULATOR_MAX_WAITING_REQUESTS", "1024");
        return builder.start();
    }

    private static void awaitHealthy(String healthUrl) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(healthUrl)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(healthUrl + " not healthy within 90 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private PoolBenchmark() {
    }

}
