package dev.parley.adapter.slack;

import static dev.parley.adapter.slack.SlackCredentials.APP_TOKEN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.apps.connections.AppsConnectionsOpenResponse;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Slack's inbound room for apps without a public Request URL: Socket Mode. With the app-level token it asks
 * {@code apps.connections.open} for a WebSocket URL, reads envelopes from it and acknowledges each by its
 * {@code envelope_id} only after the sink stored the event on Kafka; an envelope not acknowledged is sent again by
 * Slack ({@code retry_attempt}), and the hub's dedup on {@code event_id} drops copies. A {@code disconnect} (Slack
 * refreshes connections every few hours) or a closed socket ends {@link #listen}, and the hub opens a new one.
 *
 * <p>The WebSocket is the JDK's: the SDK's own Socket Mode client needs Tyrus or Java-WebSocket as a backend, and
 * the JDK's client does the same job without either.
 */
final class SlackSocketMode {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String CLOSED = "\u0000closed";

    private final ObjectMapper json;
    private final SlackInbound inbound;
    private final SlackWebApi slack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    SlackSocketMode(ObjectMapper json, SlackInbound inbound, SlackWebApi slack) {
        this.json = json;
        this.inbound = inbound;
        this.slack = slack;
    }

    /** An app with an app-level token is received over Socket Mode (it then needs no Request URL). */
    static boolean listensFor(BotProfile bot) {
        String appToken = bot.credential(APP_TOKEN);
        return appToken != null && !appToken.isBlank();
    }

    void listen(BotProfile bot, InboundSink sink, BooleanSupplier keepListening) throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(URI.create(connectionUrl(bot)), new Frames(frames))
                .get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try {
            while (keepListening.getAsBoolean()) {
                String frame = frames.poll(1, TimeUnit.SECONDS);
                if (frame == null) {
                    continue;
                }
                if (frame.equals(CLOSED)) {
                    return;
                }
                JsonNode envelope = json.readTree(frame);
                switch (envelope.path("type").asText("")) {
                    case "hello" -> { }
                    case "disconnect" -> {
                        return; // Slack asks for a fresh connection; the hub calls listen again at once
                    }
                    case "events_api" -> {
                        if (stored(bot, sink, envelope.path("payload"))) {
                            acknowledge(socket, envelope);
                        }
                    }
                    // Interactivity and slash commands are not Parley's: acknowledged so Slack does not resend them.
                    default -> acknowledge(socket, envelope);
                }
            }
        } finally {
            socket.abort();
        }
    }

    /** True once the event is on Kafka, or is one Parley does not answer; false leaves it for Slack to resend. */
    private boolean stored(BotProfile bot, InboundSink sink, JsonNode payload) throws IOException {
        InboundOutcome outcome = inbound.parse(bot, json.writeValueAsBytes(payload));
        if (outcome instanceof InboundOutcome.Accepted accepted && !accepted.messages().isEmpty()) {
            return sink.store(accepted.messages());
        }
        return true; // nothing to store, or unreadable: resending it would not make it readable
    }

    private void acknowledge(WebSocket socket, JsonNode envelope) throws IOException {
        String envelopeId = envelope.path("envelope_id").asText("");
        if (!envelopeId.isEmpty()) {
            socket.sendText(json.writeValueAsString(json.createObjectNode().put("envelope_id", envelopeId)), true)
                    .join();
        }
    }

    private String connectionUrl(BotProfile bot) throws IOException {
        try {
            AppsConnectionsOpenResponse open = slack.of(bot).methods()
                    .appsConnectionsOpen(request -> request.token(bot.credential(APP_TOKEN)));
            if (!open.isOk() || open.getUrl() == null) {
                throw new IOException("apps.connections.open: " + open.getError());
            }
            return open.getUrl();
        } catch (SlackApiException e) {
            throw new IOException("apps.connections.open: " + SlackWebApi.error(e));
        } catch (IOException e) {
            throw new IOException(SlackWebApi.withoutSecrets(SlackWebApi.unreachable(e), bot));
        }
    }

    /** Whole text frames into the queue (the JDK hands long ones over in parts), and the socket's end. */
    private static final class Frames implements WebSocket.Listener {
        private final BlockingQueue<String> frames;
        private final StringBuilder partial = new StringBuilder();

        Frames(BlockingQueue<String> frames) {
            this.frames = frames;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            frames.add(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            frames.add(CLOSED);
        }
    }
}
