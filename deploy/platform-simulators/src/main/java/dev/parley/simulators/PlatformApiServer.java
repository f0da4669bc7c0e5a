package dev.parley.simulators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What every simulated platform API shares: a JDK HTTP server on loopback with one virtual thread per request, the
 * record of calls tests read, and refusals a test scripts for the next call of a method.
 *
 * @param <R> the platform's shape of a scripted refusal
 */
public abstract class PlatformApiServer<R> implements AutoCloseable {

    protected static final ObjectMapper JSON = new ObjectMapper();

    private final Queue<RecordedCall> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, Queue<R>> refusals = new ConcurrentHashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    /** Binds 127.0.0.1 on {@code port} (0 for a free one) and starts answering under {@code contextPath}. */
    protected final void listen(int port, String contextPath) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind 127.0.0.1:" + port, e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext(contextPath, exchange -> {
            try (exchange) {
                handle(exchange);
            } catch (RuntimeException e) {
                // A simulator bug must reach the test as an answer, not as a connection reset.
                reply(exchange, 500, Map.of("ok", false, "error", "simulator failure: " + e));
            }
        });
        server.start();
    }

    /** Answers one request; implementations record the call and write exactly one reply. */
    protected abstract void handle(HttpExchange exchange) throws IOException;

    /** {@code http://127.0.0.1:PORT}, the value for a bot's {@code apiBaseUrl}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every call received so far, oldest first. */
    public List<RecordedCall> calls() {
        return List.copyOf(calls);
    }

    /** The calls to one method (compared without case), oldest first. */
    public List<RecordedCall> calls(String method) {
        return calls.stream().filter(call -> call.isTo(method)).toList();
    }

    public void clearCalls() {
        calls.clear();
    }

    protected final void record(String method, Map<String, String> parameters, String token) {
        calls.add(new RecordedCall(method, parameters, token, Instant.now()));
    }

    /** Queues a refusal for the next call of {@code method}; several queued refusals answer calls in order. */
    protected final void scriptRefusal(String method, R refusal) {
        refusals.computeIfAbsent(key(method), k -> new ConcurrentLinkedQueue<>()).add(refusal);
    }

    protected final Optional<R> nextRefusal(String method) {
        Queue<R> queued = refusals.get(key(method));
        return queued == null ? Optional.empty() : Optional.ofNullable(queued.poll());
    }

    protected static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        reply(exchange, status, body, Map.of());
    }

    protected static void reply(HttpExchange exchange, int status, Object body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private static String key(String method) {
        return method.toLowerCase(Locale.ROOT);
    }
}
