package dev.parley.simulator.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.simulator.config.SimulatorConfig;
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
import dev.parley.simulator.replica.ReplicaScheduler;
import dev.parley.simulator.replica.Sequence;
import dev.parley.simulator.replica.TokenEmitter;
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
import java.util.UUID;

/**
 * Serves {@code POST /v1/chat/completions} on the Vert.x event loop: a request waits for a slot on the replica,
 * then gets its tokens at the replica's pace, as one JSON body or as server-sent events.
 */
@Singleton
public class ChatCompletionRoute {

    // Far above any chat history the bridge sends; only guards the heap against a runaway client.
    private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final String DONE_EVENT = "data: [DONE]\n\n";

    private final SimulatorConfig config;
    private final ReplicaScheduler scheduler;
    private final TokenEmitter emitter;
    private final ReplyComposer composer;
    private final ReplicaMetrics metrics;
    private final RequestLog requestLog;
    private final ModelLoad modelLoad;
    private final ObjectMapper json;
    private final ChatRequestParser parser;

    ChatCompletionRoute(SimulatorConfig config, ReplicaScheduler scheduler, TokenEmitter emitter, ReplyComposer composer,
                        ReplicaMetrics metrics, RequestLog requestLog, ModelLoad modelLoad, ObjectMapper json) {
        this.config = config;
        this.scheduler = scheduler;
        this.emitter = emitter;
        this.composer = composer;
        this.metrics = metrics;
        this.requestLog = requestLog;
        this.modelLoad = modelLoad;
        this.json = json;
        this.parser = new ChatRequestParser(json);
    }

    void register(@Observes Router router) {
        router.post("/v1/chat/completions")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(this::complete);
    }

    private void complete(RoutingContext ctx) {
        long arrivedAt = System.nanoTime();
        if (!modelLoad.loaded()) {
            sendError(ctx.response(), 503, "Loading model", "unavailable_error");
            return;
        }
        switch (parser.parse(ctx.body().asString())) {
            case ChatRequestParser.Rejected(String reason) -> sendError(ctx.response(), 400, reason, "invalid_request_error");
            case ChatRequestParser.Accepted(ChatRequest request) -> {
                requestLog.record(new RecordedRequest(Instant.now(), ctx.request().getHeader("x-session-id"),
                        request.model(), request.stream(), request.rawMessages()));
                new Completion(ctx.response(), request, arrivedAt).start();
            }
        }
    }

    private void sendError(HttpServerResponse response, int status, String message, String type) {
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(toJson(new ErrorBody(new ErrorDetail(message, type, status))));
    }

    private String toJson(Object payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise " + payload.getClass().getSimpleName(), e);
        }
    }

    private static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }

    /**
     * One completion in flight. Everything in it runs on the request's event loop, so its fields need no locks;
     * however it ends, finished or abandoned by the client, its sequence is released exactly once.
     */
    private final class Completion implements TokenEmitter.Sink {

        private final HttpServerResponse response;
        private final ChatRequest request;
        private final long arrivedAt;
        private final Reply reply;
        private final int promptTokens;
        private final Context context = Vertx.currentContext();
        private final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        private final long created = Instant.now().getEpochSecond();
        private Sequence sequence;
        private TokenEmitter.Emission emission;
        private int emittedTokens;
        private boolean ended;

        Completion(HttpServerResponse response, ChatRequest request, long arrivedAt) {
            this.response = response;
            this.request = request;
            this.arrivedAt = arrivedAt;
            this.reply = composer.compose(request.messages(), request.maxTokens());
            this.promptTokens = ReplyComposer.promptTokens(request.messages());
        }

        void start() {
            response.closeHandler(closed -> abandon());
            if (request.stream()) {
                // Like vLLM: the 200 goes out as soon as the request is accepted, the events once tokens exist.
                response.setChunked(true)
                        .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                        .writeHead();
            }
            // A slot freed by another request's event loop admits this one there; hop back to our own.
            sequence = scheduler.submit(promptTokens, admitted -> context.runOnContext(ignored -> admitted()));
        }

        private void admitted() {
            if (ended) {
                return;
            }
            metrics.recordAdmission(since(arrivedAt));
            emission = emitter.start(reply.tokens(), this);
        }

        @Override
        public void token(String token) {
            if (emittedTokens == 0) {
                metrics.recordFirstToken(promptTokens, since(arrivedAt));
                if (request.stream()) {
                    sendEvent(chunk(List.of(new ChunkChoice(0, new Delta("assistant", ""), null)), null));
                }
            }
            emittedTokens++;
            sequence.addGeneratedToken();
            metrics.recordGeneratedToken();
            if (request.stream()) {
                sendEvent(chunk(List.of(new ChunkChoice(0, new Delta(null, token), null)), null));
            }
        }

        @Override
        public void finished() {
            ended = true;
            scheduler.release(sequence);
            metrics.recordFinished(reply.finishReason(), since(arrivedAt));
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

        private void abandon() {
            if (ended) {
                return;
            }
            ended = true;
            if (emission != null) {
                emission.cancel();
            }
            scheduler.release(sequence);
            metrics.recordFinished(FinishReason.ABORT, since(arrivedAt));
        }

        private ChatCompletionChunk chunk(List<ChunkChoice> choices, Usage usage) {
            return new ChatCompletionChunk(id, "chat.completion.chunk", created, config.modelName(), choices, usage);
        }

        private void sendEvent(ChatCompletionChunk chunk) {
            response.write("data: " + toJson(chunk) + "\n\n");
        }
    }
}
