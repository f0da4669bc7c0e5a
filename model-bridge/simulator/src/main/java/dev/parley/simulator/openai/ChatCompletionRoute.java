package dev.parley.simulator.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.simulator.config.SimulatorConfig;
import dev.parley.simulator.fault.FaultControl;
import dev.parley.simulator.fault.FaultInjector;
import dev.parley.simulator.health.ModelLoad;
import dev.parley.simulator.metrics.ReplicaMetrics;
import dev.parley.simulator.openai.CompletionPayloads.ChatCompletion;
import dev.parley.simulator.openai.CompletionPayloads.ChatCompletionChunk;
import dev.parley.simulator.openai.CompletionPayloads.Choice;
import dev.parley.simulator.openai.CompletionPayloads.ChunkChoice;
import dev.parley.simulator.openai.CompletionPayloads.Delta;
import dev.parley.simulator.openai.CompletionPayloads.ErrorBody;
import dev.parley.simulator.openai.CompletionPayloads.ErrorDetail;
import dev.parley.simulator.openai.CompletionPayloads.Message;
import dev.parley.simulator.openai.CompletionPayloads.Usage;
import dev.parley.simulator.record.RecordedRequest;
import dev.parley.simulator.record.RequestLog;
import dev.parley.simulator.replica.Replica;
import dev.parley.simulator.replica.Sequence;
import dev.parley.simulator.replica.SequenceFault;
import dev.parley.simulator.replica.SequenceListener;
import dev.parley.simulator.reply.FinishReason;
import dev.parley.simulator.reply.Reply;
import dev.parley.simulator.reply.ReplyComposer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Serves {@code POST /v1/chat/completions} on the Vert.x event loop: a request passes the replica's gates
 * (loading, faults, context length, queue), waits for a slot, then gets its tokens at the replica's pace, as one
 * JSON body or as server-sent events. The bodies of its refusals are part of its contract with the bridge.
 */
@Singleton
public class ChatCompletionRoute {

    // Far above any chat history the bridge sends; only guards the heap against a runaway client.
    private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final String RETRY_AFTER = "Retry-After";
    // The conversation id the bridge sends with every request: what routers keep affinity on, and the prefix cache's key.
    private static final String SESSION_ID = "x-session-id";
    private static final String DONE_EVENT = "data: [DONE]\n\n";

    private final SimulatorConfig config;
    private final Replica replica;
    private final ReplyComposer composer;
    private final ReplicaMetrics metrics;
    private final RequestLog requestLog;
    private final ModelLoad modelLoad;
    private final FaultControl faults;
    private final ObjectMapper json;
    private final ChatRequestParser parser;
    private final ContextWindow contextWindow;
    private final String retryAfterSeconds;

    ChatCompletionRoute(SimulatorConfig config, Replica replica, ReplyComposer composer, ReplicaMetrics metrics,
                        RequestLog requestLog, ModelLoad modelLoad, FaultControl faults, ObjectMapper json) {
        this.config = config;
        this.replica = replica;
        this.composer = composer;
        this.metrics = metrics;
        this.requestLog = requestLog;
        this.modelLoad = modelLoad;
        this.faults = faults;
        this.json = json;
        this.parser = new ChatRequestParser(json);
        // vLLM refuses to start with a context longer than its KV cache holds; the simulator makes them equal.
        this.contextWindow = new ContextWindow(config.kvCacheTokens());
        this.retryAfterSeconds = wholeSeconds(config.retryAfter());
    }

    void register(@Observes Router router) {
        router.post("/v1/chat/completions")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(this::complete);
    }

    private void complete(RoutingContext ctx) {
        long arrivedAt = System.nanoTime();
        if (faults.arrive()) {
            // Only a test's halt comes back here; drop the connection as the dead process would have.
            ctx.request().connection().close();
            return;
        }
        HttpServerResponse response = ctx.response();
        if (!modelLoad.loaded()) {
            response.putHeader(RETRY_AFTER, wholeSeconds(modelLoad.remaining()));
            sendError(response, 503, new ErrorDetail("Loading model", "unavailable_error", null, 503));
            return;
        }
        switch (parser.parse(ctx.body().asString())) {
            case ChatRequestParser.Rejected(String reason) -> sendError(response, 400, invalidRequest(reason));
            case ChatRequestParser.Accepted(ChatRequest request) -> {
                String session = ctx.request().getHeader(SESSION_ID);
                requestLog.record(new RecordedRequest(Instant.now(), session, request.model(), request.stream(), request.rawMessages()));
                serve(response, request, Optional.ofNullable(session), arrivedAt);
            }
        }
    }

    private void serve(HttpServerResponse response, ChatRequest request, Optional<String> session, long arrivedAt) {
        switch (faults.draw()) {
            case FaultInjector.RateLimited rateLimited -> {
                response.putHeader(RETRY_AFTER, retryAfterSeconds);
                sendError(response, 429, new ErrorDetail(
                        "Rate limit reached for requests (simulated fault). Please try again in %ss.".formatted(retryAfterSeconds),
                        "requests", null, "rate_limit_exceeded"));
            }
            case FaultInjector.Serve(SequenceFault fault) -> {
                int promptTokens = ReplyComposer.promptTokens(request.messages());
                Optional<String> overflow = contextWindow.overflow(promptTokens, request.maxTokens());
                if (overflow.isPresent()) {
                    sendError(response, 400, invalidRequest(overflow.get()));
                    return;
                }
                new Completion(response, request, promptTokens, arrivedAt).start(session, fault);
            }
        }
    }

    private static ErrorDetail invalidRequest(String reason) {
        return new ErrorDetail(reason, "invalid_request_error", null, 400);
    }

    private void sendError(HttpServerResponse response, int status, ErrorDetail error) {
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(toJson(new ErrorBody(error)));
    }

    private String toJson(Object payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise " + payload.getClass().getSimpleName(), e);
        }
    }

    /** {@code Retry-After} takes whole seconds; rounding up keeps a client from coming back too early. */
    private static String wholeSeconds(Duration duration) {
        return Long.toString((duration.toMillis() + 999) / 1000);
    }

    /**
     * One completion in flight. The replica reports its sequence's events from any thread; each hops to the
     * request's event loop, in order, so the fields need no locks. However it ends, finished, failed or abandoned
     * by the client, it ends once.
     */
    private final class Completion implements SequenceListener {

        private final HttpServerResponse response;
        private final ChatRequest request;
        private final int promptTokens;
        private final long arrivedAt;
        private final Reply reply;
        private final Context context = Vertx.currentContext();
        private final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        private final long created = Instant.now().getEpochSecond();
        private Sequence sequence;
        private int emittedTokens;
        private long lastTokenAt;
        private boolean ended;

        Completion(HttpServerResponse response, ChatRequest request, int promptTokens, long arrivedAt) {
            this.response = response;
            this.request = request;
            this.promptTokens = promptTokens;
            this.arrivedAt = arrivedAt;
            // Without max_tokens the reply may fill what the context leaves, like vLLM's default.
            this.reply = composer.compose(request.messages(),
                    OptionalInt.of(request.maxTokens().orElse(contextWindow.roomForCompletion(promptTokens))));
        }

        void start(Optional<String> session, SequenceFault fault) {
            switch (replica.submit(session, promptTokens, reply.tokens().size(), fault, this)) {
                case Replica.QueueFull full -> {
                    ended = true;
                    response.putHeader(RETRY_AFTER, retryAfterSeconds);
                    sendError(response, 503, new ErrorDetail(
                            "The replica's waiting queue is full (%d requests waiting); retry later.".formatted(full.waiting()),
                            "server_error", null, 503));
                }
                case Replica.Accepted accepted -> {
                    sequence = accepted.sequence();
                    response.closeHandler(closed -> abandon());
                    if (request.stream()) {
                        // Like vLLM: the 200 goes out as soon as the request is accepted, the events once tokens exist.
                        response.setChunked(true)
                                .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
                                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                                .writeHead();
                    }
                }
            }
        }

        @Override
        public void admitted(long at) {
            context.runOnContext(ignored -> onAdmitted(at));
        }

        @Override
        public void token(long at) {
            context.runOnContext(ignored -> onToken(at));
        }

        @Override
        public void finished(long at) {
            context.runOnContext(ignored -> onFinished(at));
        }

        @Override
        public void failed(long at) {
            context.runOnContext(ignored -> onFailed());
        }

        private void onAdmitted(long at) {
            if (!ended) {
                metrics.recordAdmission(Duration.ofNanos(at - arrivedAt));
            }
        }

        private void onToken(long at) {
            if (ended) {
                return;
            }
            if (emittedTokens == 0) {
                metrics.recordFirstToken(promptTokens, Duration.ofNanos(at - arrivedAt));
                if (request.stream()) {
                    sendEvent(chunk(List.of(new ChunkChoice(0, new Delta("assistant", ""), null)), null));
                }
            } else {
                metrics.recordInterTokenLatency(Duration.ofNanos(at - lastTokenAt));
            }
            lastTokenAt = at;
            String token = reply.tokens().get(emittedTokens++);
            metrics.recordGeneratedToken();
            if (request.stream()) {
                sendEvent(chunk(List.of(new ChunkChoice(0, new Delta(null, token), null)), null));
            }
        }

        private void onFinished(long at) {
            if (ended) {
                return;
            }
            ended = true;
            metrics.recordFinished(reply.finishReason(), Duration.ofNanos(at - arrivedAt));
            String finishReason = reply.finishReason().wireName();
            Usage usage = Usage.of(promptTokens, emittedTokens);
            if (!request.stream()) {
                Choice choice = new Choice(0, new Message("assistant", reply.text()), finishReason);
                response.putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                        .end(toJson(new ChatCompletion(id, "chat.completion", created, config.modelName(), List.of(choice), usage)));
                return;
            }
            sendEvent(chunk(List.of(new ChunkChoice(0, new Delta(null, null), finishReason)), null));
            if (request.includeUsage()) {
                sendEvent(chunk(List.of(), usage));
            }
            response.end(DONE_EVENT);
        }

        // vLLM's answer when generation fails: a 500, or once the stream's 200 is out, an error event and [DONE].
        private void onFailed() {
            if (ended) {
                return;
            }
            ended = true;
            ErrorDetail error = new ErrorDetail("Internal server error (simulated fault)", "InternalServerError", null, 500);
            if (!request.stream()) {
                sendError(response, 500, error);
                return;
            }
            response.write("data: " + toJson(new ErrorBody(error)) + "\n\n");
            response.end(DONE_EVENT);
        }

        private void abandon() {
            if (ended) {
                return;
            }
            ended = true;
            replica.abort(sequence);
            metrics.recordFinished(FinishReason.ABORT, Duration.ofNanos(System.nanoTime() - arrivedAt));
        }

        private ChatCompletionChunk chunk(List<ChunkChoice> choices, Usage usage) {
            return new ChatCompletionChunk(id, "chat.completion.chunk", created, config.modelName(), choices, usage);
        }

        private void sendEvent(ChatCompletionChunk chunk) {
            response.write("data: " + toJson(chunk) + "\n\n");
        }
    }
}
