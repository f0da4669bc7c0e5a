package dev.parley.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A web chat visitor as a browser would be one: a real WebSocket client collecting the hub's frames. */
public final class TestVisitor implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    private TestVisitor(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri, new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                frames.add(JSON.readTree(partial.toString()));
                            } catch (Exception e) {
                                throw new IllegalStateException("hub sent a frame that is not JSON: " + partial, e);
                            }
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                }).join();
    }

    /** Connects to {@code ws://host:port/ws/chat}, with a visitor token when given. */
    public static TestVisitor connect(String baseWsUrl, String token) {
        return new TestVisitor(URI.create(baseWsUrl + "/ws/chat" + (token == null ? "" : "?token=" + token)));
    }

    public void send(String frame) {
        socket.sendText(frame, true).join();
    }

    public void sendMessage(String id, String text) {
        send(JSON.createObjectNode().put("type", "message").put("id", id).put("text", text).toString());
    }

    /** Tells the hub a reply was shown, as the chat page does; until then the hub resends it on reconnect. */
    public void ack(JsonNode reply) {
        send(JSON.createObjectNode().put("type", "ack").put("key", reply.get("key").asText()).toString());
    }

    /** The next frame from the hub, failing the test when none arrives in time. */
    public JsonNode next(Duration timeout) throws InterruptedException {
        JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError("no frame from the hub within " + timeout);
        }
        return frame;
    }

    /** The next frame of the given type, skipping others. */
    public JsonNode next(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode frame = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (type.equals(frame.path("type").asText())) {
                return frame;
            }
        }
    }

    /** Nothing more arrives within the given time. */
    public JsonNode poll(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
}
