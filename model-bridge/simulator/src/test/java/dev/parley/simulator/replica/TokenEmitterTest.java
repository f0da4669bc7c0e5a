package dev.parley.simulator.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenEmitterTest {

    private static final List<String> TOKENS = List.of("a", " b", " c", " d", " e");

    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Tokens with their arrival time in milliseconds after the emission started. */
    private record Emitted(List<String> tokens, List<Long> atMillis, boolean emittedBeforeStartReturned) {
    }

    private Emitted emit(TokenEmitter emitter, List<String> tokens) throws Exception {
        CompletableFuture<Emitted> done = new CompletableFuture<>();
        vertx.runOnContext(ignored -> {
            long startedAt = System.nanoTime();
            List<String> received = new CopyOnWriteArrayList<>();
            List<Long> atMillis = new CopyOnWriteArrayList<>();
            boolean[] returned = {false};
            emitter.start(tokens, new TokenEmitter.Sink() {
                @Override
                public void token(String token) {
                    received.add(token);
                    atMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
                }

                @Override
                public void finished() {
                    done.complete(new Emitted(received, atMillis, !returned[0]));
                }
            });
            returned[0] = true;
        });
        return done.get(5, TimeUnit.SECONDS);
    }

    @Test
    void zeroLatencyEmitsEverythingBeforeStartReturns() throws Exception {
        Emitted emitted = emit(new TokenEmitter(vertx, Duration.ZERO, 0), TOKENS);

        assertThat(emitted.tokens()).isEqualTo(TOKENS);
        assertThat(emitted.emittedBeforeStartReturned()).isTrue();
    }

    @Test
    void pacesTheFirstTokenByPrefillAndTheRestByDecodeSpeed() throws Exception {
        Emitted emitted = emit(new TokenEmitter(vertx, Duration.ofMillis(60), 50), TOKENS);

        assertThat(emitted.tokens()).isEqualTo(TOKENS);
        // Upper bounds are loose: a busy CI machine fires timers late, never early.
        assertThat(emitted.atMillis().getFirst()).isBetween(60L, 2_000L);
        // Four more tokens at 50 per second take 80 ms after the first.
        assertThat(emitted.atMillis().getLast() - emitted.atMillis().getFirst()).isBetween(78L, 2_000L);
    }

    @Test
    void decodeFasterThanTheTimerResolutionIsNotSlowedDown() throws Exception {
        List<String> thousandTokens = Collections.nCopies(1_000, " t");

        Emitted emitted = emit(new TokenEmitter(vertx, Duration.ZERO, 100_000), thousandTokens);

        assertThat(emitted.tokens()).hasSize(1_000);
        // 10 ms at 100,000 tokens/s; one token per one-millisecond timer would take a second.
        assertThat(emitted.atMillis().getLast()).isLessThan(500L);
    }

    @Test
    void aCancelledEmissionStopsSendingTokens() throws Exception {
        TokenEmitter emitter = new TokenEmitter(vertx, Duration.ZERO, 20);
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<TokenEmitter.Emission> started = new CompletableFuture<>();
        vertx.runOnContext(ignored -> started.complete(emitter.start(TOKENS, new TokenEmitter.Sink() {
            @Override
            public void token(String token) {
                received.add(token);
            }

            @Override
            public void finished() {
                received.add("finished");
            }
        })));
        TokenEmitter.Emission emission = started.get(5, TimeUnit.SECONDS);
        vertx.runOnContext(ignored -> emission.cancel());

        Thread.sleep(300); // long enough for all five tokens at 20 per second had the emission not been cancelled
        assertThat(received).containsExactly("a");
    }
}
