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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * What every simulated platform API shares: a JDK HTTP server on loopback with one virtual thread per request, the
 * record of calls tests read (and listeners a load harness counts with), and refusals a test scripts for the next call
 * of a method.
 *
 * @param <R> the platform's shape of a scripted refusal
 */
public abstract class PlatformApiServer<R> implements AutoCloseable {

    protected static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Connections the kernel may hold before the server accepts them. The JDK's default (0 asks for it: 50) refuses
     * connections when a load harness opens hundreds at once; the kernel caps it at net.core.somaxconn anyway.
     */
    private static final int BACKLOG = 1024;
    private static final String MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";

    static {
        // The JDK's HttpServer closes a connection that goes idle while 200 others are idle; a client that reuses it
        // fails with "header parser received no bytes", so a load run on hundreds of connections would lose calls.
        // The JDK reads the setting once, when the JVM's first HttpServer starts; one set explicitly is kept.
        if (System.getProperty(MAX_IDLE_CONNECTIONS) == null) {
            System.setProperty(MAX_IDLE_CONNECTIONS, "4096");
        }
    }

    /** Entries, not calls: a call is listed on arrival and gets its status when answered. */
    private final Queue<Entry> calls = new ConcurrentLinkedQueue<>();
    /** Calls recorded and not yet answered, so {@link #reply} can give them their status. */
    private final Map<HttpExchange, Entry> unanswered = new ConcurrentHashMap<>();
    private final List<Consumer<RecordedCall>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Queue<R>> refusals = new ConcurrentHashMap<>();
    private volatile boolean keepCalls = true;
    private HttpServer server;
    private ExecutorService executor;

    /** Binds 127.0.0.1 on {@code port} (0 for a free one) and starts answering under {@code contextPath}. */
    protected final void listen(int port, String contextPath) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
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
            } finally {
                // A call whose client went away before its answer still reaches the listeners, with status 0.
                Entry never = unanswered.remove(exchange);
                if (never != null) {
                    tell(never.call);
                }
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

    /** Every call received so far, oldest first; one not answered yet has status 0. */
    public List<RecordedCall> calls() {
        return calls.stream().map(entry -> entry.call).toList();
    }

    /** The calls to one method (compared without case), oldest first. */
    public List<RecordedCall> calls(String method) {
        return calls.stream().map(entry -> entry.call).filter(call -> call.isTo(method)).toList();
    }

    public void clearCalls() {
        calls.clear();
    }

    /**
     * Calls {@code listener} with every recorded call once it is answered, status included, on the request's thread
     * and before the answer is sent: when a client has its answer, the listener has seen the call. Several listeners
     * are called in the order added. A listener that throws turns the answer into a 500 simulator failure, so it
     * should be quick and not throw; it is called whether or not {@link #keepCalls} keeps the call.
     */
    public void onCall(Consumer<RecordedCall> listener) {
        listeners.add(listener);
    }

    /**
     * Whether {@link #calls()} keeps calls (the default). A load run at hundreds of calls a second for half an hour
     * turns it off and counts with {@link #onCall} instead, so the heap does not grow with every call.
     */
    public void keepCalls(boolean keep) {
        keepCalls = keep;
    }

    /** Whether calls are kept; records that only tests read (a server's sent messages) follow it too. */
    protected final boolean keepsCalls() {
        return keepCalls;
    }

    /** Records the call as it arrives; the next {@link #reply} on {@code exchange} gives it its status. */
    protected final void record(HttpExchange exchange, String method, Map<String, String> parameters, String token) {
        Entry entry = new Entry(new RecordedCall(method, parameters, token, Instant.now(), 0));
        if (keepCalls) {
            calls.add(entry);
        }
        unanswered.put(exchange, entry);
    }

    /** Queues a refusal for the next call of {@code method}; several queued refusals answer calls in order. */
    protected final void scriptRefusal(String method, R refusal) {
        refusals.computeIfAbsent(key(method), k -> new ConcurrentLinkedQueue<>()).add(refusal);
    }

    protected final Optional<R> nextRefusal(String method) {
        Queue<R> queued = refusals.get(key(method));
        return queued == null ? Optional.empty() : Optional.ofNullable(queued.poll());
    }

    protected final void reply(HttpExchange exchange, int status, Object body) throws IOException {
        reply(exchange, status, body, Map.of());
    }

    /** Writes the answer, after giving the recorded call its status and telling the listeners. */
    protected final void reply(HttpExchange exchange, int status, Object body, Map<String, String> headers)
            throws IOException {
        Entry entry = unanswered.remove(exchange);
        if (entry != null) {
            entry.call = entry.call.answered(status);
            tell(entry.call);
        }
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

    private void tell(RecordedCall call) {
        for (Consumer<RecordedCall> listener : listeners) {
            listener.accept(call);
        }
    }

    private static String key(String method) {
        return method.toLowerCase(Locale.ROOT);
    }

    /** A place in the list of calls, updated once with the answered call. */
    private static final class Entry {
        volatile RecordedCall call;

        Entry(RecordedCall call) {
            this.call = call;
        }
    }
}
