package dev.parley.bridge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Every setting of the bridge, read from {@code parley.*} (environment: {@code PARLEY_*}). */
@ConfigMapping(prefix = "parley")
public interface BridgeConfig {

    Model model();

    Session session();

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

        /** What the user reads when the model pool could not answer after retries. */
        @WithDefault("Sorry, I could not get an answer from the model right now. Please try again in a moment.")
        String failureText();
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
