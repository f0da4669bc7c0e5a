package dev.parley.bridge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of the bridge, read from {@code parley.*} (environment: {@code PARLEY_*}). */
@ConfigMapping(prefix = "parley")
public interface BridgeConfig {

    Model model();

    Session session();

    Pool pool();

    /**
     * How often a streamed answer's text so far is published as a {@code chunk} reply while the model writes;
     * {@code 0s} publishes only the final reply.
     */
    @WithDefault("1s")
    Duration streamInterval();

    /**
     * How often the user is shown "typing…" while the model works (platforms show it about five seconds, so a
     * little less keeps it steady); {@code 0s} turns typing hints off.
     */
    @WithDefault("4s")
    Duration typingInterval();

    /** The OpenAI-compatible model endpoint (the built-in simulator by default; vLLM, TGI, Ollama … in production). */
    interface Model {
        /** Base URL up to and including {@code /v1}; also set as {@code quarkus.rest-client.model.url}. */
        @WithDefault("http://127.0.0.1:8082/v1")
        String baseUrl();

        /** The model name sent in each request. */
        @WithDefault("parley-simulator")
        String name();

        /** Bearer token for hosted endpoints; never logged. */
        Optional<String> apiKey();

        /** Upper bound on the answer's length in tokens. */
        @WithDefault("512")
        int maxTokens();

        /** The system prompt that opens every conversation. */
        @WithDefault("You are a helpful assistant answering through Parley. Answer in CommonMark.")
        String systemPrompt();

        /** What the user reads when no replica could answer (all busy, failing or gone); short and honest. */
        @WithDefault("Sorry, I am very busy right now and could not answer. Please try again in a minute.")
        String failureText();
    }

    /** The replicas of the model and how requests are spread over them. */
    interface Pool {
        /** Replica base URLs, each ending in {@code /v1}; without them (and without a DNS name) {@code model.base-url}. */
        Optional<List<String>> replicas();

        /**
         * A DNS name whose addresses are the replicas (a Kubernetes headless Service); each becomes
         * {@code http://<ip>:<dns-port>/v1}. Replaces {@code replicas} when set.
         */
        Optional<String> dnsName();

        @WithDefault("8000")
        int dnsPort();

        /** How often the DNS name is resolved again (pods come and go with the autoscaler). */
        @WithDefault("10s")
        Duration dnsRefresh();

        /** The most requests in flight per replica: its vLLM {@code --max-num-seqs}. The pool's capacity is their sum. */
        @WithDefault("32")
        int replicaConcurrency();

        /** How often every replica's {@code /metrics} and {@code /health} are read. */
        @WithDefault("500ms")
        Duration scrapeInterval();

        /** Gauges older than this count the replica as saturated. */
        @WithDefault("2s")
        Duration staleAfter();

        /** {@code affinity} (consistent hashing with bounded load) or {@code round-robin} (for comparison). */
        @WithDefault("affinity")
        String routing();

        /** A conversation stays on its replica while that one's load is below this factor times the average. */
        @WithDefault("1.25")
        double loadFactor();

        /** Replicas asked for one request before the user gets the busy reply. */
        @WithDefault("4")
        int attempts();

        /** The pause before the next attempt, doubled each time. */
        @WithDefault("250ms")
        Duration retryBackoff();

        /** The longest silence accepted from a replica: before its first byte, or between two pieces of a stream. */
        @WithDefault("120s")
        Duration requestTimeout();

        Fallback fallback();

        /** A smaller model that answers when the primary pool cannot, or keeps users waiting too long. */
        interface Fallback {
            /** Its replicas' base URLs; without them there is no fallback. */
            Optional<List<String>> replicas();

            /** The model name its requests carry; {@code model.name} when absent. */
            Optional<String> model();

            @WithDefault("32")
            int replicaConcurrency();

            /** The primary pool's recent time to first token above which requests go to the fallback. */
            @WithDefault("20s")
            Duration after();
        }
    }

    /** Conversation history kept in the Infinispan cache {@code parley-sessions}. */
    interface Session {
        /** Most turns (user and assistant messages) kept per conversation; the oldest go first. */
        @WithDefault("40")
        int maxTurns();

        /** Approximate token budget of the history sent to the model (4 characters ~ 1 token). */
        @WithDefault("6000")
        int tokenBudget();

        /** A conversation nobody wrote to for this long is forgotten. */
        @WithDefault("7d")
        Duration idleExpiry();

        /** How many times a versioned append is retried when another writer got there first. */
        @WithDefault("20")
        int maxWriteAttempts();
    }
}
