package dev.parley.bridge.consume;

import dev.parley.bridge.config.BridgeConfig;
import dev.parley.bridge.pool.CompletionResponse;
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
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Answers one question: history from the session grid, the model pool's answer, both turns appended back, a
 * {@link ChatReply} out. A request that was already answered (redelivered after a crash between the session
 * write and the Kafka commit) gets the stored answer again instead of a second model call.
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

    public ChatReply answer(ChatRequest request) {
        Instant started = clock.instant();
        ConversationSession session = sessions.load(request.conversationId());
        Optional<Turn> earlier = session.answerTo(request.requestId());
        if (earlier.isPresent()) {
            meters.counter("parley_bridge_requests", "outcome", "replayed").increment();
            return reply(request, ReplyKind.FINAL, earlier.get().text(), config.name(), null, started, null);
        }
        CompletionResponse completion;
        try {
            completion = pool.complete(request.conversationId(), prompts.build(session.turns(), request.text()));
        } catch (RuntimeException e) {
            // The user hears that it failed instead of waiting forever; the history stays as it was.
            LOG.warnf("model pool failed for request %s: %s", request.requestId(), e.toString());
            meters.counter("parley_bridge_requests", "outcome", "model_failed").increment();
            return reply(request, ReplyKind.ERROR, config.failureText(), null, null, started, clock.instant());
        }
        Instant finished = clock.instant();
        String answer = completion.text();
        sessions.append(request.conversationId(),
                new Turn(Turn.USER, request.text(), request.requestId(), request.receivedAt().toEpochMilli()),
                new Turn(Turn.ASSISTANT, answer, request.requestId(), finished.toEpochMilli()));
        meters.counter("parley_bridge_requests", "outcome", "answered").increment();
        ChatReply.Usage usage = completion.usage() == null ? null
                : new ChatReply.Usage(completion.usage().promptTokens(), completion.usage().completionTokens());
        return reply(request, ReplyKind.FINAL, answer, completion.model() == null ? config.name() : completion.model(),
                usage, started, finished);
    }

    private static ChatReply reply(ChatRequest request, ReplyKind kind, String text, String model,
                                   ChatReply.Usage usage, Instant started, Instant finished) {
        return new ChatReply(ChatReply.SCHEMA_VERSION, request.requestId(), request.conversationId(), request.route(),
                kind, 0, text, model, usage, new ChatReply.Timings(request.receivedAt(), started, null, finished));
    }
}
