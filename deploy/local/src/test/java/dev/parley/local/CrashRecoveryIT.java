package dev.parley.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Crash tests on the real processes: hub node 1 and the bridge are killed with SIGKILL in the middle of a stream
 * of messages, then started again; every message must get exactly one answer. Kafka is killed and restarted: the
 * hub refuses with 503 meanwhile and loses nothing. Runs after the other end-to-end tests; leaves the stack up.
 */
@ExtendWith(LocalStack.class)
@Order(Integer.MAX_VALUE)
class CrashRecoveryIT {

    private static final Duration SETTLE = Duration.ofSeconds(120);

    private static List<String> hubs(int first) {
        return List.of(LocalStack.hubWsUrl(first), LocalStack.hubWsUrl(3 - first));
    }

    private static void awaitAllAnswered(List<BrowserLikeVisitor> visitors, int perVisitor) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            if (visitors.stream().allMatch(v -> v.answers.size() >= perVisitor && v.unacceptedCount() == 0)) {
                Thread.sleep(3000); // a double answer would arrive now
                return;
            }
            Thread.sleep(250);
        }
    }

    @Test
    void killingAHubNodeAndTheBridgeMidStreamLosesNothingAndAnswersNothingTwice() throws Exception {
        int perVisitor = 15;
        List<BrowserLikeVisitor> visitors = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            visitors.add(new BrowserLikeVisitor(hubs(1 + v % 2)));
        }
        Thread.sleep(1000);
        long started = System.nanoTime();
        for (int i = 0; i < perVisitor; i++) {
            for (int v = 0; v < visitors.size(); v++) {
                visitors.get(v).send("crash-" + v + "-" + i, "chaos message " + i + " from visitor " + v);
            }
            if (i == 5) {
                LocalStack.kill("hub-1");
                LocalStack.kill("bridge");
            }
            Thread.sleep(200);
        }
        LocalStack.up();

        awaitAllAnswered(visitors, perVisitor);
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        visitors.forEach(BrowserLikeVisitor::close);

        int sent = visitors.size() * perVisitor;
        int answered = 0;
        int doubled = 0;
        for (BrowserLikeVisitor visitor : visitors) {
            answered += visitor.answers.size();
            doubled += (int) visitor.answers.values().stream().filter(ids -> ids.size() > 1).count();
        }
        String report = String.format("crash test (hub-1 and bridge SIGKILLed after message 6 of %d per visitor): "
                        + "sent %d, answered %d, answered twice %d, lost %d, reconnects %d, settled in %d s%n",
                perVisitor, sent, answered, doubled, sent - answered,
                visitors.stream().mapToInt(v -> v.reconnects.get()).sum(), seconds);
        System.out.print(report);
        Files.writeString(Path.of("target/crash-report.txt"), report);
        assertThat(doubled).as("messages answered twice").isZero();
        assertThat(answered).as("messages answered").isEqualTo(sent);
        for (BrowserLikeVisitor visitor : visitors) {
            visitor.answers.values().forEach(ids -> assertThat(ids).hasSize(1));
        }
    }

    @Test
    void whileKafkaIsDownTheHubRefusesWith503AndNothingIsLost() throws Exception {
        BrowserLikeVisitor visitor = new BrowserLikeVisitor(hubs(2));
        Thread.sleep(1000);
        LocalStack.kill("kafka");
        try {
            visitor.send("outage-1", "sent while Kafka is down");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (visitor.refusals.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(visitor.refusals.get()).as("503 refusals while Kafka is down").isPositive();
            assertThat(visitor.unacceptedCount()).isEqualTo(1);
        } finally {
            LocalStack.up();
        }
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (visitor.answers.get("outage-1") == null && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        visitor.close();
        assertThat(visitor.answers.get("outage-1")).as("answered once Kafka was back").hasSize(1);
        assertThat(visitor.answers.keySet()).isEqualTo(Set.of("outage-1"));
    }
}
