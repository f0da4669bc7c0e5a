package dev.parley.bridge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two OpenAI-compatible model replicas in the test JVM whose behaviour a test scripts: how long an answer takes
 * (a question containing "slow" takes {@link #SLOW_MILLIS}), and whether a replica refuses with 503. They serve
 * {@code /health}, vLLM's {@code /metrics} gauges and streamed {@code /v1/chat/completions}, enough for the bridge's
 * pool to scrape, route and fail over. The real simulator process covers the rest.
 */
public final class ScriptedModels implements QuarkusTestResourceLifecycleManager {

    public static final long SLOW_MILLIS = 4000;
    private static final Replica[] REPLICAS = new Replica[2];

    /** One scripted replica: what it was asked, and whether it answers. */
    public static final class Replica {
        private final HttpServer server;
        private final AtomicInteger running = new AtomicInteger();
        public final ConcurrentLinkedQueue<String> questions = new ConcurrentLinkedQueue<>();
        public volatile boolean refusing;

        Replica(HttpServer server) {
            this.server = server;
        }

        public String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }
    }

    /** Points the bridge's pool at the two scripted replicas. */
    public static final class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ScriptedModels.class));
        }
    }

    public static Replica replica(int index) {
        return REPLICAS[index];
    }

    @Override
    public Map<String, String> start() {
        for (int i = 0; i < REPLICAS.length; i++) {
            REPLICAS[i] = start(i);
        }
        return Map.of("parley.pool.replicas", REPLICAS[0].baseUrl() + "," + REPLICAS[1].baseUrl(),
                "parley.pool.scrape-interval", "200ms", "parley.pool.retry-backoff", "50ms",
                "parley.pool.replica-concurrency", "8");
    }

    @Override
    public void stop() {
        for (Replica replica : REPLICAS) {
            replica.server.stop(0);
        }
    }

    private static Replica start(int index) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            Replica replica = new Replica(server);
            server.createContext("/health", exchange -> answer(exchange, 200, "text/plain", ""));
            server.createContext("/metrics", exchange -> answer(exchange, 200, "text/plain",
                    "vllm:num_requests_running{model_name=\"scripted\"} " + replica.running.get() + "\n"
                            + "vllm:num_requests_waiting{model_name=\"scripted\"} 0\n"
                            + "vllm:kv_cache_usage_perc{model_name=\"scripted\"} 0.1\n"));
            server.createContext("/v1/chat/completions", exchange -> complete(replica, index, exchange));
            server.start();
            return replica;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void complete(Replica replica, int index, HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String question = body.substring(body.lastIndexOf("\"content\":\"") + 11);
        question = question.substring(0, question.indexOf('"'));
        replica.questions.add(question);
        if (replica.refusing) {
            answer(exchange, 503, "application/json", "{\"error\":{\"message\":\"queue full\",\"type\":\"server_error\"}}");
            return;
        }
        replica.running.incrementAndGet();
        try {
            if (question.contains("slow")) {
                Thread.sleep(SLOW_MILLIS);
            }
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                String text = "replica " + index + " answers: " + question;
                out.write(("data: {\"model\":\"scripted\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                        + text + "\"},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: {\"model\":\"scripted\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
                        + "\"completion_tokens\":4}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            replica.running.decrementAndGet();
        }
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
