package dev.parley.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.hub.TestVisitor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A browser's path through the real processes: web chat socket → hub → Kafka → bridge (history in Infinispan) →
 * simulator → Kafka → the hub node holding the socket.
 */
@ExtendWith(LocalStack.class)
class WebChatEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    private List<JsonNode> modelRequestsOf(String conversationId) throws Exception {
        List<JsonNode> mine = new ArrayList<>();
        JSON.readTree(get(LocalStack.simulatorUrl() + "/simulator/requests")).forEach(r -> {
            if (conversationId.equals(r.path("sessionId").asText())) {
                mine.add(r);
            }
        });
        return mine;
    }

    @Test
    void twoMessagesGetTwoRepliesAndTheSecondModelRequestCarriesTheFirstTurn() throws Exception {
        try (TestVisitor visitor = TestVisitor.connect(LocalStack.hubWsUrl(1), null)) {
            String conversationId = visitor.next("welcome", WAIT).get("conversationId").asText();

            visitor.sendMessage("e2e-1", "What is Parley?");
            assertThat(visitor.next("accepted", WAIT).get("id").asText()).isEqualTo("e2e-1");
            JsonNode first = visitor.next("reply", WAIT);
            visitor.sendMessage("e2e-2", "And what did I just ask?");
            JsonNode second = visitor.next("reply", WAIT);

            assertThat(first.get("replyTo").asText()).isEqualTo("e2e-1");
            assertThat(first.get("markdown").asText()).contains("simulator", "turn 1", "What is Parley?");
            assertThat(second.get("replyTo").asText()).isEqualTo("e2e-2");
            assertThat(second.get("markdown").asText()).contains("turn 2", "And what did I just ask?");

            List<JsonNode> calls = modelRequestsOf(conversationId);
            assertThat(calls).hasSize(2);
            List<String> secondCall = new ArrayList<>();
            calls.get(1).get("messages").forEach(m -> secondCall.add(m.get("role").asText() + ": "
                    + m.get("content").asText()));
            assertThat(secondCall).containsSubsequence(
                    "user: What is Parley?",
                    "assistant: " + first.get("markdown").asText(),
                    "user: And what did I just ask?");
        }
    }

    @Test
    void theSameMessageSentFiveTimesAtOnceToTwoHubNodesIsAskedAndAnsweredOnce() throws Exception {
        String token;
        String conversationId;
        try (TestVisitor first = TestVisitor.connect(LocalStack.hubWsUrl(1), null)) {
            JsonNode welcome = first.next("welcome", WAIT);
            token = welcome.get("visitorToken").asText();
            conversationId = welcome.get("conversationId").asText();
        }
        try (TestVisitor one = TestVisitor.connect(LocalStack.hubWsUrl(1), token);
             TestVisitor two = TestVisitor.connect(LocalStack.hubWsUrl(2), token)) {
            one.next("welcome", WAIT);
            two.next("welcome", WAIT);
            Thread t = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 3; i++) {
                    one.sendMessage("redelivered", "asked five times");
                }
            });
            for (int i = 0; i < 2; i++) {
                two.sendMessage("redelivered", "asked five times");
            }
            t.join();

            java.util.Set<String> replyKeys = new java.util.HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < deadline) {
                for (TestVisitor v : List.of(one, two)) {
                    JsonNode frame = v.poll(Duration.ofMillis(100));
                    if (frame != null && "reply".equals(frame.get("type").asText())) {
                        replyKeys.add(frame.get("key").asText());
                    }
                }
            }
            assertThat(replyKeys).as("distinct replies").hasSize(1);
            assertThat(modelRequestsOf(conversationId)).as("model requests").hasSize(1);
        }
    }

    @Test
    void repliesReachTheSocketWhicheverHubNodeConsumedThem() throws Exception {
        int visitors = 16;
        List<TestVisitor> open = new ArrayList<>();
        try {
            for (int i = 0; i < visitors; i++) {
                TestVisitor visitor = TestVisitor.connect(LocalStack.hubWsUrl(1 + i % 2), null);
                open.add(visitor);
                visitor.next("welcome", WAIT);
                visitor.sendMessage("cross-" + i, "hello from visitor " + i);
            }
            for (int i = 0; i < visitors; i++) {
                JsonNode reply = open.get(i).next("reply", WAIT);
                assertThat(reply.get("replyTo").asText()).isEqualTo("cross-" + i);
                assertThat(reply.get("markdown").asText()).contains("hello from visitor " + i + "\"");
            }
        } finally {
            open.forEach(TestVisitor::close);
        }
        // With the reply partitions split between the two nodes, some replies were consumed by the node that
        // did not hold the socket and crossed over through Redis.
        double forwarded = deliveries(1, "forwarded") + deliveries(2, "forwarded");
        assertThat(forwarded).as("replies handed to the other hub node").isGreaterThan(0);
    }

    private double deliveries(int node, String result) throws Exception {
        Matcher m = Pattern.compile("^parley_replies_delivered_total\\{[^}]*result=\"" + result + "\"[^}]*} (\\S+)$",
                Pattern.MULTILINE).matcher(get(LocalStack.hubUrl(node) + "/q/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /**
     * Not a pass/fail timing check: measures the round trip of one web chat message with the simulator at zero
     * latency (median of 100 sequential messages) and records it for the README's performance table.
     */
    /** Lets the web chat bot's users send as fast as a benchmark does (the default policy allows 20 a minute). */
    private void raiseWebChatRateLimit() throws Exception {
        String body = "{\"id\":\"webchat\",\"platform\":\"webchat\",\"policy\":{\"userMessagesPerMinute\":10000}}";
        HttpRequest.Builder create = HttpRequest.newBuilder(URI.create(LocalStack.hubUrl(1) + "/admin/bots"))
                .header("Authorization", "Bearer " + LocalStack.secret("PARLEY_ADMIN_TOKEN"))
                .header("Content-Type", "application/json");
        int status = http.send(create.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 409) {
            HttpRequest patch = HttpRequest.newBuilder(URI.create(LocalStack.hubUrl(1) + "/admin/bots/webchat"))
                    .header("Authorization", "Bearer " + LocalStack.secret("PARLEY_ADMIN_TOKEN"))
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(
                            "{\"policy\":{\"userMessagesPerMinute\":10000}}")).build();
            status = http.send(patch, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        assertThat(status).isIn(200, 201);
        Thread.sleep(1100); // hub nodes re-read a bot's policy at most a second later
    }

    @Test
    void roundTripOfOneMessageIsMeasured() throws Exception {
        raiseWebChatRateLimit();
        int rounds = 100;
        long[] nanos = new long[rounds];
        try (TestVisitor visitor = TestVisitor.connect(LocalStack.hubWsUrl(1), null)) {
            visitor.next("welcome", WAIT);
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                visitor.sendMessage("rt-" + i, "ping " + i);
                JsonNode reply = visitor.next("reply", WAIT);
                nanos[i] = System.nanoTime() - start;
                assertThat(reply.get("replyTo").asText()).isEqualTo("rt-" + i);
            }
        }
        Arrays.sort(nanos);
        String report = String.format("web chat round trip, simulator at zero latency, %d messages: "
                        + "median %.1f ms, p90 %.1f ms, max %.1f ms%n", rounds, nanos[rounds / 2] / 1e6,
                nanos[rounds * 9 / 10] / 1e6, nanos[rounds - 1] / 1e6);
        System.out.print(report);
        Files.writeString(Path.of("target/roundtrip.txt"), report);
    }
}
