package dev.parley.hub.pipeline;

import dev.parley.contract.ChatKind;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Topics;
import dev.parley.hub.config.HubConfig;
import dev.parley.hub.registry.BotPolicies;
import dev.parley.hub.registry.BotPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Takes a normalised message from any adapter to Kafka, in this order: drop other bots' messages and
 * redeliveries, gate groups on a mention, resolve the unified user, answer commands, apply the bot's DM policy,
 * the user's rate limit and the bot's daily quota, then produce a {@link ChatRequest} keyed by conversation. The
 * returned {@link Uni} completes only after Kafka acknowledged what had to be written (the request, or the hub's
 * own reply): that is when the adapter may acknowledge the platform.
 */
@ApplicationScoped
public class InboundPipeline {

    /** What became of an inbound message. */
    public enum Acceptance {
        /** Durably in Kafka for the model. */
        ENQUEUED,
        /** Answered by the hub itself (a command, a limit, a policy); the answer is durably in Kafka. */
        ANSWERED,
        /** Deliberately not answered (another bot, a group message without a mention, a limited user told before). */
        IGNORED,
        /** A redelivery of a message already handled; acknowledge, nothing more. */
        DUPLICATE,
        /** A redelivery racing the first copy on another node; the platform should retry shortly. */
        IN_FLIGHT
    }

    static final String HELP = """
            I am answered by Parley. Commands:
            - `/reset` starts a fresh conversation
            - `/link` gives you a code to continue this conversation on another platform; send `/link CODE` there
            - `/unlink` gives this account its own conversation again""";

    private static final Logger LOG = Logger.getLogger(InboundPipeline.class);

    private final MutinyEmitter<ChatRequest> requests;
    private final Deduplication deduplication;
    private final Identities identities;
    private final ConversationIds conversations;
    private final RateLimits limits;
    private final BotPolicies policies;
    private final Pairings pairings;
    private final HubReplies hubReplies;
    private final HubConfig.Pipeline config;
    private final MeterRegistry meters;

    public InboundPipeline(@Channel("chat-requests") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                           MutinyEmitter<ChatRequest> requests, Deduplication deduplication, Identities identities,
                           ConversationIds conversations, RateLimits limits, BotPolicies policies, Pairings pairings,
                           HubReplies hubReplies, HubConfig config, MeterRegistry meters) {
        this.requests = requests;
        this.deduplication = deduplication;
        this.identities = identities;
        this.conversations = conversations;
        this.limits = limits;
        this.policies = policies;
        this.pairings = pairings;
        this.hubReplies = hubReplies;
        this.config = config.pipeline();
        this.meters = meters;
    }

    public Uni<Acceptance> accept(InboundMessage message) {
        count("received", message);
        if (message.sender().bot()) {
            count("ignored", message);
            return Uni.createFrom().item(Acceptance.IGNORED);
        }
        String dedupKey = message.dedupKey();
        return deduplication.claim(dedupKey).flatMap(claim -> switch (claim) {
            case DUPLICATE -> {
                count("deduplicated", message);
                yield Uni.createFrom().item(Acceptance.DUPLICATE);
            }
            case IN_FLIGHT -> Uni.createFrom().item(Acceptance.IN_FLIGHT);
            case FIRST -> handle(message)
                    .call(() -> deduplication.confirm(message.platform(), dedupKey))
                    .invoke(acceptance -> count(acceptance.name().toLowerCase(java.util.Locale.ROOT), message))
                    .onFailure().call(failure -> {
                        LOG.warnf("Kafka did not take message %s: %s", dedupKey, failure.toString());
                        return deduplication.release(dedupKey).onFailure().recoverWithNull();
                    });
        });
    }

    private Uni<Acceptance> handle(InboundMessage message) {
        return policies.of(message.botId()).flatMap(policy -> {
            if (message.chat().kind() != ChatKind.DIRECT && policy.groupsRequireMention() && !message.mentionsBot()) {
                return Uni.createFrom().item(Acceptance.IGNORED);
            }
            return identities.unifiedUser(message.platform(), message.sender().platformUserId())
                    .flatMap(user -> ChatCommand.parse(message.text())
                            .map(command -> command(message, user, command))
                            .orElseGet(() -> admit(message, user, policy)));
        });
    }

    private Uni<Acceptance> command(InboundMessage message, String user, ChatCommand command) {
        return switch (command.kind()) {
            case HELP -> conversations.of(message, user).flatMap(c -> answer(message, c, HELP));
            case RESET -> conversations.reset(message, user)
                    .flatMap(c -> answer(message, c, "Fresh start: I have forgotten our earlier conversation."));
            case LINK -> command.argument().isEmpty()
                    ? identities.issueLinkCode(user).flatMap(code -> conversations.of(message, user).flatMap(c ->
                    answer(message, c, "Your link code is **" + code + "**. Within "
                            + Identities.LINK_CODE_TTL.toMinutes() + " minutes, send `/link " + code
                            + "` from the other platform to continue this conversation there.")))
                    : identities.link(message.platform(), message.sender().platformUserId(), user, command.argument())
                    .flatMap(result -> identities.unifiedUser(message.platform(), message.sender().platformUserId())
                            .flatMap(conversations::direct)
                            .flatMap(c -> answer(message, c, switch (result) {
                                case LINKED -> "Linked: this chat now continues your conversation from the other platform.";
                                case ALREADY_LINKED -> "This account is already linked to that conversation.";
                                case UNKNOWN_CODE -> "That link code is unknown or has expired; send `/link` on the "
                                        + "other platform for a new one.";
                            })));
            case UNLINK -> identities.unlink(message.platform(), message.sender().platformUserId())
                    .flatMap(conversations::direct)
                    .flatMap(c -> answer(message, c, "Unlinked: this account has a conversation of its own again."));
        };
    }

    private Uni<Acceptance> admit(InboundMessage message, String user, BotPolicy policy) {
        if (message.chat().kind() == ChatKind.DIRECT && !"open".equals(policy.directMessages())
                && !policy.allowlist().contains(message.sender().platformUserId())) {
            if ("pairing".equals(policy.directMessages())) {
                return pairings.codeFor(message.botId(), message.sender().platformUserId()).flatMap(code ->
                        notice(message, user, "pairing", Duration.ofHours(1), "To talk with me, ask my administrator "
                                + "to approve pairing code **" + code + "**."));
            }
            return notice(message, user, "not-allowed", Duration.ofHours(1),
                    "This bot only answers people an administrator has approved.");
        }
        return limits.allowMessage(message.botId(), user, policy.userMessagesPerMinute()).flatMap(allowed -> {
            if (!allowed) {
                return notice(message, user, "rate", config.limitNoticeWindow(),
                        "You are sending messages faster than I can answer. Please wait a moment.");
            }
            long quota = policy.dailyModelRequests() > 0 ? policy.dailyModelRequests()
                    : config.dailyModelRequestsPerBot();
            return limits.allowModelRequest(message.botId(), quota).flatMap(withinQuota -> withinQuota
                    ? conversations.of(message, user).flatMap(c -> enqueue(message, user, c))
                    : notice(message, user, "quota", Duration.ofDays(1),
                    "I have answered as many questions as I may today. Please come back tomorrow."));
        });
    }

    /** Tells the user why they get no answer, once per window; later messages in the window are ignored. */
    private Uni<Acceptance> notice(InboundMessage message, String user, String notice, Duration window, String text) {
        return limits.firstNotice(notice, message.botId(), user, window).flatMap(first -> first
                ? conversations.of(message, user).flatMap(c -> answer(message, c, text))
                : Uni.createFrom().item(Acceptance.IGNORED));
    }

    private Uni<Acceptance> answer(InboundMessage message, String conversationId, String markdown) {
        return hubReplies.answer(message, conversationId, markdown).replaceWith(Acceptance.ANSWERED);
    }

    private Uni<Acceptance> enqueue(InboundMessage message, String user, String conversationId) {
        ChatRequest request = new ChatRequest(ChatRequest.SCHEMA_VERSION, requestIdOf(message), conversationId,
                user, message.replyRoute(), message.text(), message.attachments(), message.receivedAt());
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.REQUESTS).withKey(conversationId).build();
        return requests.sendMessage(Message.of(request).addMetadata(key)).replaceWith(Acceptance.ENQUEUED);
    }

    /**
     * The request id is derived from the message's dedup key, not random: if a node dies after Kafka took the
     * request but before the dedup key was marked done, the platform's resend is enqueued again under the same id,
     * and the bridge answers it from the stored history and delivery drops the repeat, so the user still gets one
     * answer.
     */
    static String requestIdOf(InboundMessage message) {
        return UUID.nameUUIDFromBytes(("parley-request:" + message.dedupKey()).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private void count(String outcome, InboundMessage message) {
        meters.counter("parley_messages", "outcome", outcome, "platform", message.platform().id(),
                "bot", message.botId()).increment();
    }
}
