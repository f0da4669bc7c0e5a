package dev.parley.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A web chat visitor that behaves like the chat page under failures: it keeps its visitor token, reconnects when
 * its socket dies (to the next hub node in its list), re-sends every message not yet accepted with the same id,
 * acknowledges every reply and records which replies answered which message.
 */
final class BrowserLikeVisitor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> hubs;
    private final AtomicInteger nextHub = new AtomicInteger();
    private final Map<String, String> unaccepted = new ConcurrentHashMap<>();
    /** Message id → the distinct request ids whose replies answered it (more than one is a double answer). */
    final Map<String, Set<String>> answers = new ConcurrentHashMap<>();
    final AtomicInteger reconnects = new AtomicInteger();
    final AtomicInteger refusals = new AtomicInteger();
    private volatile String token;
    private volatile WebSocket socket;
    private volatile boolean closing;

    BrowserLikeVisitor(List<String> hubWsUrls) {
        this.hubs = hubWsUrls;
        connect();
    }

    private void connect() {
        String hub = hubs.get(Math.floorMod(nextHub.getAndIncrement(), hubs.size()));
        URI uri = URI.create(hub + "/ws/chat" + (token == null ? "" : "?token=" + token));
        http.newWebSocketBuilder().buildAsync(uri, new Listener()).whenComplete((ws, failure) -> {
            if (failure != null) {
                retryLater();
            } else {
                socket = ws;
            }
        });
    }

    private void retryLater() {
        if (!closing) {
            reconnects.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                connect();
            });
        }
    }

    void send(String id, String text) {
        unaccepted.put(id, text);
        transmit(id, text);
    }

    private void transmit(String id, String text) {
        WebSocket current = socket;
        if (current != null) {
            String frame = JSON.createObjectNode().put("type", "message").put("id", id).put("text", text).toString();
            synchronized (this) {
                current.sendText(frame, true).exceptionally(e -> null).join();
            }
        }
    }

    int unacceptedCount() {
        return unaccepted.size();
    }

    void close() {
        closing = true;
        if (socket != null) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                handle(ws, partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void handle(WebSocket ws, String text) {
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            switch (frame.path("type").asText()) {
                case "welcome" -> {
                    token = frame.get("visitorToken").asText();
                    socket = ws;
                    Thread.ofVirtual().start(() -> unaccepted.forEach(BrowserLikeVisitor.this::transmit));
                }
                case "accepted" -> unaccepted.remove(frame.get("id").asText());
                case "rejected" -> {
                    refusals.incrementAndGet();
                    String id = frame.path("id").asText();
                    String pending = unaccepted.get(id);
                    if (pending != null) {
                        Thread.ofVirtual().start(() -> {
                            try {
                                Thread.sleep(1000);
                            } catch (InterruptedException e) {
                                return;
                            }
                            transmit(id, pending);
                        });
                    }
                }
                case "reply" -> {
                    answers.computeIfAbsent(frame.get("replyTo").asText(), k -> ConcurrentHashMap.newKeySet())
                            .add(frame.get("requestId").asText());
                    Thread.ofVirtual().start(() -> {
                        synchronized (BrowserLikeVisitor.this) {
                            ws.sendText(JSON.createObjectNode().put("type", "ack").put("key", frame.get("key").asText())
                                    .toString(), true).exceptionally(e -> null).join();
                        }
                    });
                }
                default -> { }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            retryLater();
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            retryLater();
        }
    }
}
