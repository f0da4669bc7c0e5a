package dev.parley.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Web chat visitors, each behaving like the chat page: one socket to a hub node ({@code /ws/chat}), the visitor
 * token from {@code welcome} kept, so a reconnect (to the next node, after 0.5 s) continues the same conversation;
 * a message not yet {@code accepted} is sent again with the same id after a reconnect or a {@code rejected}; every
 * reply acknowledged, and counted once per reply key (the hub resends unacknowledged replies). A reply naming a
 * message this visitor never sent is counted as misrouted.
 */
final class WebChatVisitors implements Users {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final WebSocketClient client;
    private final List<String> hubs;
    private final Ledger ledger;
    private final String runId;
    private final List<Visitor> visitors = new ArrayList<>();
    private final AtomicLong turns = new AtomicLong();
    private volatile boolean stopped;

    final LongAdder reconnects = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder misrouted = new LongAdder();
    final LongAdder redeliveries = new LongAdder();

    WebChatVisitors(Vertx vertx, List<String> hubWsUrls, Ledger ledger, String runId) {
        this.runId = runId;
        this.vertx = vertx;
        this.hubs = hubWsUrls;
        this.ledger = ledger;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5000)
                .setMaxConnections(Integer.MAX_VALUE).setTryUsePerMessageCompression(false));
    }

    @Override
    public String platform() {
        return "webchat";
    }

    /**
     * Opens {@code count} sockets, visitor i to hub node {@code i mod nodes} (or all to one node), at most
     * {@code perSecond} new connections a second, and waits until every one has its welcome.
     */
    void connect(int count, Integer onlyNode, int perSecond) throws InterruptedException {
        CountDownLatch welcomed = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            Visitor visitor = new Visitor(onlyNode != null ? onlyNode - 1 : i % hubs.size(), welcomed);
            visitors.add(visitor);
            visitor.connect();
            if (i % perSecond == perSecond - 1) {
                Thread.sleep(1000);
            }
        }
        if (!welcomed.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(welcomed.getCount() + " of " + count + " web chat sockets got no welcome");
        }
    }

    int connected() {
        return (int) visitors.stream().filter(v -> v.socket != null && !v.socket.isClosed()).count();
    }

    @Override
    public void send(Ledger.Message message, String text, Runnable done) {
        Visitor visitor = visitors.get((int) (turns.getAndIncrement() % visitors.size()));
        visitor.send(message, text, done);
    }

    void stop() {
        stopped = true;
    }

    void close() {
        stopped = true;
        visitors.forEach(v -> {
            if (v.socket != null) {
                v.socket.close();
            }
        });
        client.close();
    }

    private final class Visitor {
        private final int firstHub;
        private final CountDownLatch welcomed;
        private int reconnections;
        private volatile String token;
        private volatile WebSocket socket;
        /** Messages sent and not yet accepted: tag → frame. */
        private final Map<String, String> unaccepted = new ConcurrentHashMap<>();
        private final Map<String, Ledger.Message> mine = new ConcurrentHashMap<>();
        private final Map<String, Runnable> onAccepted = new ConcurrentHashMap<>();
        private final Set<String> replyKeys = ConcurrentHashMap.newKeySet();

        Visitor(int firstHub, CountDownLatch welcomed) {
            this.firstHub = firstHub;
            this.welcomed = welcomed;
        }

        void connect() {
            if (stopped) {
                return;
            }
            URI hub = URI.create(hubs.get((firstHub + reconnections) % hubs.size()) + "/ws/chat"
                    + (token == null ? "" : "?token=" + token));
            Future<WebSocket> connecting = client.connect(new WebSocketConnectOptions().setHost(hub.getHost())
                    .setPort(hub.getPort()).setURI(hub.getRawPath() + (hub.getRawQuery() == null ? ""
                            : "?" + hub.getRawQuery())));
            connecting.onSuccess(ws -> {
                ws.textMessageHandler(text -> handle(ws, text));
                ws.closeHandler(v -> reconnect());
                ws.exceptionHandler(e -> { });
            }).onFailure(e -> reconnect());
        }

        private void reconnect() {
            socket = null;
            if (stopped) {
                return;
            }
            reconnects.increment();
            reconnections++;
            vertx.setTimer(500, t -> connect());
        }

        void send(Ledger.Message message, String text, Runnable done) {
            String id = runId + "-" + message.tag(); // unique across runs on one stack: the hub dedups by this id
            String frame = JSON.createObjectNode().put("type", "message").put("id", id).put("text", text).toString();
            mine.put(id, message);
            unaccepted.put(id, frame);
            onAccepted.put(id, done);
            transmit(frame);
            if (message.redelivered) {
                // The page sends a message again when it saw no "accepted" (a flaky network): same id.
                vertx.setTimer(1000, t -> {
                    redeliveries.increment();
                    transmit(frame);
                });
            }
        }

        private void transmit(String frame) {
            WebSocket current = socket;
            if (current != null && !current.isClosed()) {
                current.writeTextMessage(frame);
            }
        }

        private void handle(WebSocket ws, String text) {
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (Exception e) {
                return;
            }
            switch (frame.path("type").asText()) {
                case "welcome" -> {
                    token = frame.path("visitorToken").asText();
                    socket = ws;
                    welcomed.countDown();
                    unaccepted.values().forEach(this::transmit);
                }
                case "accepted" -> {
                    String id = frame.path("id").asText();
                    unaccepted.remove(id);
                    Ledger.Message message = mine.get(id);
                    if (message != null) {
                        ledger.accepted(message);
                    }
                    Runnable done = onAccepted.remove(id);
                    if (done != null) {
                        done.run();
                    }
                }
                case "rejected" -> {
                    rejected.increment();
                    String pending = unaccepted.get(frame.path("id").asText());
                    if (pending != null) {
                        vertx.setTimer(1000, t -> transmit(pending));
                    }
                }
                case "reply" -> {
                    String key = frame.path("key").asText();
                    transmit(JSON.createObjectNode().put("type", "ack").put("key", key).toString());
                    String replyTo = frame.path("replyTo").asText();
                    if (!mine.containsKey(replyTo)) {
                        misrouted.increment();
                    } else if ("final".equals(frame.path("kind").asText()) && replyKeys.add(key)) {
                        ledger.answered(replyTo);
                    }
                }
                default -> { }
            }
        }
    }
}
