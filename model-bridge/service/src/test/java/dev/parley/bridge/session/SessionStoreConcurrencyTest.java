package dev.parley.bridge.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.bridge.SimulatorProcess;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Versioned appends against the real Infinispan server: writers racing on one conversation lose nothing. */
@QuarkusTest
@QuarkusTestResource(SimulatorProcess.class)
class SessionStoreConcurrencyTest {

    @Inject
    SessionStore sessions;

    @Test
    void concurrentAppendsToOneConversationKeepEveryTurn() throws Exception {
        String conversationId = "test:concurrent:" + UUID.randomUUID();
        int writers = 6;
        int exchangesEach = 3; // 36 turns: within the default bound of 40, so nothing is trimmed
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < exchangesEach; i++) {
                    String requestId = "w" + writer + "-" + i;
                    sessions.append(conversationId, new Turn(Turn.USER, "q " + requestId, requestId, 0),
                            new Turn(Turn.ASSISTANT, "a " + requestId, requestId, 0));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();

        List<Turn> turns = sessions.load(conversationId).turns();
        assertThat(turns).hasSize(writers * exchangesEach * 2);
        assertThat(turns.stream().map(Turn::requestId).distinct()).hasSize(writers * exchangesEach);
        for (int i = 0; i < turns.size(); i += 2) {
            assertThat(turns.get(i).role()).isEqualTo(Turn.USER);
            assertThat(turns.get(i + 1).requestId()).isEqualTo(turns.get(i).requestId());
        }
        sessions.remove(conversationId);
    }
}
