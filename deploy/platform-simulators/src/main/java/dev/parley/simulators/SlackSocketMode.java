package dev.parley.simulators;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The WebSocket side of Slack's Socket Mode (api.slack.com/apis/socket-mode): the {@code /link/?ticket=…} endpoint
 * {@code apps.connections.open} hands out, the {@code hello} on connect, {@code events_api} envelopes, their
 * acknowledgement and redelivery, and {@code disconnect}. Runs on its own Vert.x instance because the JDK's HTTP server
 * cannot upgrade to WebSocket. {@link SlackWebApiServer} owns it and is its public face.
 *
 * <p>All state sits under one lock; frames are written after it is released, so a Vert.x event loop never waits on
 * a test thread that holds the lock while writing.
 */
final class SlackSocketMode implements AutoCloseable {

    /** Slack stops retrying an envelope after three retries, as it does for Events API requests. */
    static final int MAX_RETRIES = 3;
    private static final String LINK_PATH = "/link/";
    /** What Slack's hello reported when its documentation was written; clients must not depend on it. */
    private static final int BUILD_NUMBER = 10;
    private static final int APPROXIMATE_CONNECTION_TIME = 18060;

    private final ObjectMapper json;
    private final Vertx vertx;
    private final HttpServer server;
    private final Object lock = new Object();
    private final Map<String, Ticket> tickets = new HashMap<>();
    private final Map<String, AppLinks> apps = new HashMap<>();
    private final Map<String, Envelope> envelopes = new HashMap<>();
    private Duration redeliverAfter = Duration.ofSeconds(3);
    private Duration closeAfterDisconnect = Duration.ofSeconds(1);
    private boolean closed;

    private record Ticket(String appToken, String appId) {
    }

    private record Write(ServerWebSocket socket, String text) {
    }

    private static final class Connection {
        final ServerWebSocket socket;
        final String appToken;
        final String appId;
        /** The pod name Slack reports in {@code debug_info.host}; one per connection, as each lands on one pod. */
        final String host;
        boolean toldToDisconnect;

        Connection(ServerWebSocket socket, Ticket ticket, String host) {
            this.socket = socket;
            this.appToken = ticket.appToken();
            this.appId = ticket.appId();
            this.host = host;
        }
    }

    private static final class AppLinks {
        final List<Connection> connections = new ArrayList<>();
        /** Envelopes waiting for a connection, oldest first. */
        final Deque<Envelope> waiting = new ArrayDeque<>();
    }

    private static final class Envelope {
        final String id;
        final String appToken;
        final String type;
        final JsonNode payload;
        int retryAttempt;
        String retryReason = "";
        int deliveries;
        boolean acknowledged;
        long timer = -1;

        Envelope(String id, String appToken, String type, JsonNode payload) {
            this.id = id;
            this.appToken = appToken;
            this.type = type;
            this.payload = payload;
        }
    }

    SlackSocketMode(int port, ObjectMapper json) {
        this.json = json;
        // One event loop is plenty for a test peer; no file cache, so nothing is written under the working directory.
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(request -> request.response().setStatusCode(404).end())
                .webSocketHandler(this::connected);
        try {
            await(server.listen().toCompletionStage().toCompletableFuture());
        } catch (RuntimeException e) {
            vertx.close();
            throw new UncheckedIOException(new IOException("cannot bind 127.0.0.1:" + port + " for Socket Mode", e));
        }
    }

    int port() {
        return server.actualPort();
    }

    void redeliverUnackedAfter(Duration delay) {
        synchronized (lock) {
            redeliverAfter = positive(delay);
        }
    }

    void closeDisconnectedAfter(Duration delay) {
        synchronized (lock) {
            closeAfterDisconnect = positive(delay);
        }
    }

    /** A one-use WebSocket URL for the app, as {@code apps.connections.open} answers it. */
    String openLink(String appToken, String appId) {
        String ticket = UUID.randomUUID().toString();
        synchronized (lock) {
            tickets.put(ticket, new Ticket(appToken, appId));
        }
        return "ws://127.0.0.1:" + port() + LINK_PATH + "?ticket=" + ticket + "&app_id=" + appId;
    }

    /** Wraps {@code payload} in an envelope and sends it on one of the app's connections, or keeps it for the next. */
    String deliver(String appToken, String type, JsonNode payload) {
        Envelope envelope = new Envelope(UUID.randomUUID().toString(), appToken, type, payload);
        List<Write> writes = new ArrayList<>();
        synchronized (lock) {
            envelopes.put(envelope.id, envelope);
            sendOrKeep(envelope, writes);
        }
        write(writes);
        return envelope.id;
    }

    boolean acknowledged(String envelopeId) {
        synchronized (lock) {
            Envelope envelope = envelopes.get(envelopeId);
            return envelope != null && envelope.acknowledged;
        }
    }

    int deliveries(String envelopeId) {
        synchronized (lock) {
            Envelope envelope = envelopes.get(envelopeId);
            return envelope == null ? 0 : envelope.deliveries;
        }
    }

    int connections(String appToken) {
        synchronized (lock) {
            AppLinks app = apps.get(appToken);
            return app == null ? 0 : app.connections.size();
        }
    }

    /**
     * Sends {@code disconnect} on each of the app's connections not already told to go, then closes them after
     * {@link #closeDisconnectedAfter}: Slack leaves the old socket open briefly so the client can open a new one first.
     */
    int disconnect(String appToken, String reason) {
        List<Write> writes = new ArrayList<>();
        Duration delay;
        synchronized (lock) {
            AppLinks app = apps.get(appToken);
            if (app == null) {
                return 0;
            }
            delay = closeAfterDisconnect;
            for (Connection connection : app.connections) {
                if (connection.toldToDisconnect) {
                    continue;
                }
                connection.toldToDisconnect = true;
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("type", "disconnect");
                message.put("reason", reason);
                message.put("debug_info", Map.of("host", connection.host));
                writes.add(new Write(connection.socket, text(message)));
            }
        }
        write(writes);
        for (Write told : writes) {
            vertx.setTimer(delay.toMillis(), id -> told.socket().close());
        }
        return writes.size();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        // Closing the instance closes the server, every open socket and every pending redelivery timer.
        await(vertx.close().toCompletionStage().toCompletableFuture());
    }

    private void connected(ServerWebSocket socket) {
        if (!LINK_PATH.equals(socket.path()) && !"/link".equals(socket.path())) {
            socket.reject(404);
            return;
        }
        String ticketId = queryParameter(socket.query(), "ticket");
        Ticket ticket;
        synchronized (lock) {
            ticket = ticketId == null || closed ? null : tickets.remove(ticketId);
        }
        if (ticket == null) {
            // A ticket is good for one connection; an unknown or used one never gets the upgrade.
            socket.reject(401);
            return;
        }
        Connection connection = new Connection(socket, ticket, podName());
        socket.textMessageHandler(text -> received(connection, text));
        socket.closeHandler(ignored -> gone(connection));
        socket.exceptionHandler(ignored -> {
            // A reset by the client ends in closeHandler; nothing to report to a test here.
        });
        socket.accept();
        List<Write> writes = new ArrayList<>();
        synchronized (lock) {
            AppLinks app = apps.computeIfAbsent(connection.appToken, k -> new AppLinks());
            app.connections.add(connection);
            writes.add(new Write(socket, hello(connection, app.connections.size())));
            // Kept envelopes follow the hello, so a test that delivered before the client connected stays repeatable.
            while (!app.waiting.isEmpty()) {
                Envelope envelope = app.waiting.poll();
                if (!envelope.acknowledged) {
                    send(envelope, connection, writes);
                }
            }
        }
        write(writes);
    }

    private String hello(Connection connection, int numConnections) {
        Map<String, Object> debugInfo = new LinkedHashMap<>();
        debugInfo.put("host", connection.host);
        debugInfo.put("build_number", BUILD_NUMBER);
        debugInfo.put("approximate_connection_time", APPROXIMATE_CONNECTION_TIME);
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", "hello");
        hello.put("num_connections", numConnections);
        hello.put("debug_info", debugInfo);
        hello.put("connection_info", Map.of("app_id", connection.appId));
        return text(hello);
    }

    /** An acknowledgement is {@code {"envelope_id":…}}, optionally with a {@code payload}; other frames are ignored. */
    private void received(Connection connection, String text) {
        JsonNode message;
        try {
            message = json.readTree(text);
        } catch (IOException e) {
            return;
        }
        JsonNode id = message == null ? null : message.get("envelope_id");
        if (id == null || !id.isTextual()) {
            return;
        }
        synchronized (lock) {
            Envelope envelope = envelopes.get(id.textValue());
            if (envelope == null || !envelope.appToken.equals(connection.appToken) || envelope.acknowledged) {
                return;
            }
            envelope.acknowledged = true;
            if (envelope.timer >= 0) {
                vertx.cancelTimer(envelope.timer);
                envelope.timer = -1;
            }
        }
    }

    private void gone(Connection connection) {
        synchronized (lock) {
            AppLinks app = apps.get(connection.appToken);
            if (app != null) {
                app.connections.remove(connection);
            }
        }
    }

    /** No acknowledgement in time: Slack sends the envelope again with the next {@code retry_attempt}. */
    private void timedOut(Envelope envelope) {
        List<Write> writes = new ArrayList<>();
        synchronized (lock) {
            envelope.timer = -1;
            if (closed || envelope.acknowledged || envelope.retryAttempt >= MAX_RETRIES) {
                return;
            }
            envelope.retryAttempt++;
            envelope.retryReason = "timeout";
            sendOrKeep(envelope, writes);
        }
        write(writes);
    }

    /** Called under the lock. */
    private void sendOrKeep(Envelope envelope, List<Write> writes) {
        AppLinks app = apps.computeIfAbsent(envelope.appToken, k -> new AppLinks());
        Connection connection = pick(app.connections);
        if (connection == null) {
            app.waiting.add(envelope);
        } else {
            send(envelope, connection, writes);
        }
    }

    /**
     * Slack sends each envelope on any one of the app's connections, so a client must not assume which: this picks
     * at random, preferring connections that have not been told to disconnect.
     */
    private static Connection pick(List<Connection> connections) {
        List<Connection> staying = connections.stream().filter(c -> !c.toldToDisconnect).toList();
        List<Connection> candidates = staying.isEmpty() ? connections : staying;
        return candidates.isEmpty() ? null : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }

    /** Called under the lock. */
    private void send(Envelope envelope, Connection connection, List<Write> writes) {
        ObjectNode frame = json.createObjectNode();
        frame.put("envelope_id", envelope.id);
        frame.set("payload", envelope.payload);
        frame.put("type", envelope.type);
        frame.put("accepts_response_payload", false);
        frame.put("retry_attempt", envelope.retryAttempt);
        frame.put("retry_reason", envelope.retryReason);
        writes.add(new Write(connection.socket, frame.toString()));
        envelope.deliveries++;
        envelope.timer = vertx.setTimer(redeliverAfter.toMillis(), id -> timedOut(envelope));
    }

    private static void write(List<Write> writes) {
        for (Write write : writes) {
            // A socket that closed meanwhile fails the write; the envelope's timer redelivers it elsewhere.
            write.socket().writeTextMessage(write.text()).onFailure(ignored -> {
            });
        }
    }

    /** Slack's hosts look like {@code applink-7fc4fdbb64-4x5xq}, a Kubernetes pod name. */
    private static String podName() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        byte[] replicaSet = new byte[5];
        random.nextBytes(replicaSet);
        return "applink-" + HexFormat.of().formatHex(replicaSet) + "-" + suffix;
    }

    private String text(Object message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Vert.x timers take at least one millisecond. */
    private static Duration positive(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a delay is not negative: " + delay);
        }
        return delay.toMillis() < 1 ? Duration.ofMillis(1) : delay;
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Vert.x", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Socket Mode server: " + e, e);
        }
    }
}
