package dev.parley.bridge.consume;

import dev.parley.bridge.config.BridgeConfig;
import dev.parley.bridge.pool.ChatMessage;
import dev.parley.bridge.pool.Completion;
import dev.parley.bridge.pool.ModelPool;
import dev.parley.bridge.session.ConversationSession;
import dev.parley.bridge.session.PromptBuilder;
import dev.parley.bridge.session.SessionStore;
import dev.parley.bridge.session.Turn;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ReplyKind;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Answers one question: history from the session grid, the model pool's answer streamed to {@code textSoFar}, both
 * turns appended back, a {@link ChatReply} out with usage and timings. A request that was already answered
 * (redelivered after a crash between the session write and the Kafka commit) gets the stored answer again instead
 * of a second model call. A history too long for the model's context is halved, oldest turns first, and tried once
 * more. When no replica can answer, the user gets the short "busy" text as an {@code error} reply, counted, and the
 * history stays as it was.
 */
@ApplicationScoped
public class RequestAnswerer {

    private static final Logger LOG = Logger.getLogger(RequestAnswerer.class);

    private final SessionStore sessions;
    private final ModelPool pool;
    private final PromptBuilder prompts;
    private final BridgeConfig.Model config;
    private final MeterRegistry meters;
    private final Clock clock = Clock.systemUTC();

    public RequestAnswerer(SessionStore sessions, ModelPool pool, BridgeConfig config, MeterRegistry meters) {
        this.sessions = sessions;
        this.pool = pool;
        this.config = config.model();
        this.prompts = new PromptBuilder(this.config.systemPrompt());
        this.meters = meters;
    }

    public ChatReply answer(ChatRequest request, Consumer<String> textSoFar) {
        Instant started = clock.instant();
        ConversationSession session = sessions.load(request.conversationId());
        Optional<Turn> earlier = session.answerTo(request.requestId());
        if (earlier.isPresent()) {
            count("replayed");
            return reply(request, ReplyKind.FINAL, earlier.get().text(), config.name(), null,
                    new ChatReply.Timings(request.receivedAt(), started, null, null));
        }
        Completion completion;
        try {
            completion = complete(request, session.turns(), textSoFar);
        } catch (ModelPool.PoolUnavailable | ModelPool.ModelRefused | ModelPool.ContextTooLong e) {
            // The user hears that it failed instead of waiting forever; the history stays as it was.
            LOG.warnf("no answer for request %s: %s", request.requestId(), e.getMessage());
            count(e instanceof ModelPool.PoolUnavailable ? "busy" : "model_refused");
            return reply(request, ReplyKind.ERROR, config.failureText(), null, null,
                    new ChatReply.Timings(request.receivedAt(), started, null, clock.instant()));
        }
        Instant finished = clock.instant();
        sessions.append(request.conversationId(),
                new Turn(Turn.USER, request.text(), request.requestId(), request.receivedAt().toEpochMilli()),
                new Turn(Turn.ASSISTANT, completion.text(), request.requestId(), finished.toEpochMilli()));
        count("answered");
        ChatReply.Usage usage = completion.usage() == null ? null
                : new ChatReply.Usage(completion.usage().promptTokens(), completion.usage().completionTokens());
        Instant firstToken = completion.timeToFirstToken() == null ? null
                : finished.minus(completion.total()).plus(completion.timeToFirstToken());
        return reply(request, ReplyKind.FINAL, completion.text(),
                completion.model() == null ? config.name() : completion.model(), usage,
                new ChatReply.Timings(request.receivedAt(), started, firstToken, finished));
    }

    private Completion complete(ChatRequest request, List<Turn> history, Consumer<String> textSoFar) {
        try {
            return pool.complete(request.conversationId(), prompts.build(history, request.text()),
                    request.receivedAt(), textSoFar);
        } catch (ModelPool.ContextTooLong tooLong) {
            List<Turn> shorter = history.subList(history.size() / 2, history.size());
            LOG.infof("history of %s over the model's context: trying again with %d of %d turns",
                    request.conversationId(), shorter.size(), history.size());
            count("trimmed");
            List<ChatMessage> prompt = prompts.build(shorter, request.text());
            return pool.complete(request.conversationId(), prompt, request.receivedAt(), textSoFar);
        }
    }

    private void count(String outcome) {
        meters.counter("parley_bridge_requests", "outcome", outcome).increment();
    }

    private static ChatReply reply(ChatRequest request, ReplyKind kind, String text, String model,
                                   ChatReply.Usage usage, ChatReply.Timings timings) {
        return new ChatReply(ChatReply.SCHEMA_VERSION, request.requestId(), request.conversationId(), request.route(),
                kind, 0, text, model, usage, timings);
    }
}
