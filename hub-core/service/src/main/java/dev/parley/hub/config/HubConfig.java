package dev.parley.hub.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of the hub, read from {@code parley.*} (environment: {@code PARLEY_*}). */
@ConfigMapping(prefix = "parley")
public interface HubConfig {

    /**
     * This node's name, unique among hub nodes: web chat sockets are routed to it by this name. Defaults to a
     * random id per start, which is right unless you want stable names in logs.
     */
    Optional<String> nodeId();

    /**
     * The master key(s) that seal bot credentials: comma-separated base64 AES-256 keys, the first seals, all open
     * (list a new key first to rotate). Required: the hub does not start without it.
     */
    String masterKey();

    Admin admin();

    WebChat webchat();

    Pipeline pipeline();

    Delivery delivery();

    Listeners listeners();

    Ops ops();

    /** Who may use the admin API under {@code /admin}. */
    interface Admin {
        /**
         * Bearer tokens as {@code name:role:saltHex:sha256Hex} (role {@code admin} or {@code viewer}; hash of
         * {@code saltHex + ":" + token}). Without any, every admin request is refused.
         */
        Optional<List<String>> tokens();
    }

    /** The browser chat served at {@code /} with its socket at {@code /ws/chat}. */
    interface WebChat {
        /** The bot the web chat page talks to. */
        @WithDefault("webchat")
        String botId();

        /**
         * HMAC key that signs visitor tokens (base64, at least 32 bytes). Every hub node needs the same key so a
         * visitor can reconnect to any node. Required outside dev and test.
         */
        String tokenSecret();

        /** How often this node renews the routes of the sockets it holds; keep it well under {@link #routeTtl()}. */
        @WithDefault("30s")
        Duration routeRefresh();

        /** How long a socket's route (which node holds it) lives in Redis without being refreshed. */
        @WithDefault("90s")
        Duration routeTtl();

        /** How long replies wait in the visitor's mailbox for the browser to acknowledge them. */
        @WithDefault("24h")
        Duration mailboxTtl();

        /** At most this many unacknowledged replies are kept per visitor; the oldest are dropped beyond it. */
        @WithDefault("100")
        int mailboxCapacity();
    }

    /** Between the adapters and Kafka. */
    interface Pipeline {
        /** How long a platform message id is remembered to drop redeliveries (all nodes share it). */
        @WithDefault("24h")
        Duration dedupWindow();

        /**
         * Per-platform redelivery windows, overriding {@link #dedupWindow()} (for example
         * {@code parley.pipeline.dedup-windows.whatsapp=72h}: Meta retries for days).
         */
        Map<String, Duration> dedupWindows();

        /**
         * How long a message counts as "being accepted" on some node; a redelivery in that time is told to retry
         * instead of being acknowledged before Kafka has the first copy.
         */
        @WithDefault("30s")
        Duration dedupPendingTtl();

        /**
         * Model requests a bot may make per UTC day, across all its users, unless its policy sets its own; beyond
         * it users are told once a day.
         */
        @WithDefault("100000")
        long dailyModelRequestsPerBot();

        /** A user over their rate limit is told so at most once in this window. */
        @WithDefault("1m")
        Duration limitNoticeWindow();
    }

    /**
     * Bots received by listening (Telegram long polling, Slack Socket Mode): each is listened to by one node at a
     * time, the holder of a Redis lease it renews; when that node dies, another claims the lease once it expires.
     * Failover takes at most {@code lease-ttl + claim-interval}.
     */
    interface Listeners {
        /** How long a lease outlives its last renewal. */
        @WithDefault("10s")
        Duration leaseTtl();

        /** How often the holder renews its leases. */
        @WithDefault("3s")
        Duration renewInterval();

        /** How often a node tries to claim leases nobody holds, and looks for new or removed listening bots. */
        @WithDefault("2s")
        Duration claimInterval();
    }

    /** Between Kafka's replies and the platforms. */
    interface Delivery {
        /** How long a delivered reply's id is remembered so a replayed reply is not shown twice. */
        @WithDefault("24h")
        Duration replayWindow();

        /** How long a reply may be retried when its platform says "later" (429, 5xx) before it is dead-lettered. */
        @WithDefault("2m")
        Duration retryBudget();

        /** The first wait between retries when the platform names none; it doubles each time. */
        @WithDefault("1s")
        Duration retryBackoff();
    }

    /**
     * The Kafka lag monitor behind {@code GET /ops/api/lag} and the {@code parley_kafka_*} gauges. Sampling only
     * reads (offsets, group descriptions, a record's timestamp), so every hub node samples on its own and no node has
     * to be elected for it.
     */
    interface Ops {
        /** How often the watched groups and dead-letter topics are sampled. */
        @WithDefault("5s")
        Duration sampleInterval();

        /**
         * The consumer groups to watch, each as {@code group:topic} (a topic name cannot contain a colon). Parley's
         * own: the bridge on the requests, the hub's delivery on the replies.
         */
        @WithDefault("parley-bridge:parley.requests,parley-hub-delivery:parley.replies")
        List<String> groups();

        /** Dead-letter topics whose record counts and latest reasons are shown. */
        @WithDefault("parley.requests.dlq,parley.replies.dlq")
        List<String> deadLetterTopics();

        /**
         * Samples a partition's consumer state is judged over (Burrow's window): with the default interval a consumer
         * must be stuck for 50 s before it shows as STALL or STOP, whatever its lag.
         */
        @WithDefault("10")
        int window();

        /** Samples kept per partition for the history the ops page draws (the default is 10 minutes at 5 s). */
        @WithDefault("120")
        int history();

        /** The group an autoscaler scales on its lag: the bridge, on the requests. */
        @WithDefault("parley-bridge")
        String autoscaledGroup();

        /** The lag one bridge replica is meant to carry: KEDA's {@code lagThreshold} in the Kafka scaler. */
        @WithDefault("50")
        long lagThreshold();

        /** Bridges whose {@code /pool} the ops page shows (e.g. {@code http://parley-bridge:8081}); none by default. */
        Optional<List<String>> bridgeUrls();
    }
}
