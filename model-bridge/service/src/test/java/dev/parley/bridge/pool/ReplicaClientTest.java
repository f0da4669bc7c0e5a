package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.parley.bridge.pool.ReplicaFailure.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs the client against a scripted replica: a JDK HTTP server writing SSE bodies piece by piece. */
class ReplicaClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String SESSION = "conversation-42";
    private static final String MODEL = "replica-model";
    private static final String DONE = "data: [DONE]\n\n";
    private static final CompletionRequest REQUEST =
            new CompletionRequest("parley", List.of(new ChatMessage("user", "hello")), 64, false);

    private record Received(String path, String sessionId, String authorization, JsonNode body) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final ReplicaClient client = new ReplicaClient(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), json);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> textSoFar = new CopyOnWriteArrayList<>();
    private final CountDownLatch endStall = new CountDownLatch(1);
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private HttpServer server;
    private HttpHandler script;

    @BeforeEach
    void startReplica() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("x-session-id"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    json.readTree(exchange.getRequestBody().readAllBytes())));
            script.handle(exchange);
        });
        server.start();
    }

    @AfterEach
    void stopReplica() {
        endStall.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    private Completion complete() throws ReplicaFailure {
        return client.complete(baseUrl(), REQUEST, SESSION, null, TIMEOUT, textSoFar::add);
    }

    private ReplicaFailure failure(Duration timeout) {
        return catchThrowableOfType(ReplicaFailure.class,
                () -> client.complete(baseUrl(), REQUEST, SESSION, "Bearer sk-secret-key", timeout, textSoFar::add));
    }

    // --- scripts -------------------------------------------------------------------------------------------

    /** 200 with each piece written and flushed on its own, {@code pause} before each. */
    private static HttpHandler stream(Duration pause, String... pieces) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                for (String piece : pieces) {
                    sleep(pause);
                    body.write(piece.getBytes(StandardCharsets.UTF_8));
                    body.flush();
                }
            }
        };
    }

    private static HttpHandler stream(String... pieces) {
        return stream(Duration.ZERO, pieces);
    }

    private static HttpHandler answer(int status, String body, String... headerNamesAndValues) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            for (int i = 0; i < headerNamesAndValues.length; i += 2) {
                exchange.getResponseHeaders().set(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    /** Writes the pieces, then holds the connection open without a byte until the test ends. */
    private HttpHandler stallAfter(String... pieces) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            for (String piece : pieces) {
                body.write(piece.getBytes(StandardCharsets.UTF_8));
                body.flush();
            }
            awaitEndOfTest();
            exchange.close();
        };
    }

    private void awaitEndOfTest() {
        try {
            endStall.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String chunk(String choices) {
        return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"" + MODEL
                + "\",\"choices\":" + choices + "}\n\n";
    }

    private static String role() {
        return chunk("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]");
    }

    private static String content(String piece) {
        return chunk("[{\"index\":0,\"delta\":{\"content\":\"" + piece + "\"},\"finish_reason\":null}]");
    }

    private static String finish(String reason) {
        return chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]");
    }

    private static String usage(int prompt, int completion) {
        return "data: {\"id\":\"chatcmpl-1\",\"model\":\"" + MODEL + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
                + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion) + "}}\n\n";
    }

    // --- streams -------------------------------------------------------------------------------------------

    @Test
    void streamsTheAnswerWithUsageAndTimings() throws ReplicaFailure {
        script = stream(Duration.ofMillis(30),
                role(), content("Hel"), content("lo"), content(" world"), finish("stop"), usage(12, 3), DONE);

        Completion completion = complete();

        assertThat(completion.text()).isEqualTo("Hello world");
        assertThat(completion.model()).isEqualTo(MODEL);
        assertThat(completion.usage()).isEqualTo(new Completion.Usage(12, 3));
        assertThat(completion.finishReason()).isEqualTo("stop");
        // The first content is written after two pauses of 30 ms, so it cannot arrive sooner.
        assertThat(completion.timeToFirstToken()).isGreaterThanOrEqualTo(Duration.ofMillis(60));
        assertThat(completion.total()).isGreaterThanOrEqualTo(completion.timeToFirstToken());
        assertThat(textSoFar).containsExactly("Hel", "Hello", "Hello world");
    }

    @Test
    void sendsAStreamingRequestWithUsageTheSessionAndTheKey() throws ReplicaFailure {
        script = stream(content("ok"), finish("stop"), DONE);

        client.complete(baseUrl(), REQUEST, SESSION, "Bearer sk-secret-key", TIMEOUT, textSoFar::add);

        Received request = received.getFirst();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.sessionId()).isEqualTo(SESSION);
        assertThat(request.authorization()).isEqualTo("Bearer sk-secret-key");
        assertThat(request.body().path("stream").asBoolean()).isTrue();
        assertThat(request.body().path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(request.body().path("model").asText()).isEqualTo("parley");
        assertThat(request.body().path("max_tokens").asInt()).isEqualTo(64);
        assertThat(request.body().path("messages").path(0).path("content").asText()).isEqualTo("hello");
    }

    @Test
    void sendsNoAuthorizationWhenThereIsNone() throws ReplicaFailure {
        script = stream(content("ok"), finish("stop"), DONE);

        complete();

        assertThat(received.getFirst().authorization()).isNull();
    }

    @Test
    void aStreamWithoutAUsageChunkHasNoUsage() throws ReplicaFailure {
        script = stream(role(), content("Hi"), finish("length"), DONE);

        Completion completion = complete();

        assertThat(completion.text()).isEqualTo("Hi");
        assertThat(completion.finishReason()).isEqualTo("length");
        assertThat(completion.usage()).isNull();
    }

    @Test
    void toleratesKeepAliveCommentsCrLfAndDataWithoutASpace() throws ReplicaFailure {
        script = stream(": ping\r\n\r\n", content("a").replace("data: ", "data:").replace("\n", "\r\n"), ": ping\n\n",
                content("b"), ":\n\n", finish("stop"), usage(1, 2), DONE);

        Completion completion = complete();

        assertThat(completion.text()).isEqualTo("ab");
        assertThat(completion.usage()).isEqualTo(new Completion.Usage(1, 2));
    }

    @Test
    void aStreamEndingAfterItsFinishReasonWithoutDoneSucceeds() throws ReplicaFailure {
        script = stream(content("whole"), finish("stop"));

        Completion completion = complete();

        assertThat(completion.text()).isEqualTo("whole");
        assertThat(completion.finishReason()).isEqualTo("stop");
    }

    @Test
    void anAnswerLongerThanTheTimeoutIsNotCutWhileItKeepsStreaming() throws ReplicaFailure {
        script = stream(Duration.ofMillis(100),
                content("1"), content("2"), content("3"), content("4"), content("5"), content("6"), finish("stop"), DONE);

        Completion completion = client.complete(baseUrl(), REQUEST, SESSION, null, Duration.ofMillis(500), textSoFar::add);

        assertThat(completion.text()).isEqualTo("123456");
        assertThat(completion.total()).isGreaterThan(Duration.ofMillis(500));
    }

    // --- broken streams ------------------------------------------------------------------------------------

    @Test
    void anErrorObjectInsideTheStreamFailsIt() {
        script = stream(content("Hel"),
                "data: {\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\",\"code\":500}}\n\n");

        ReplicaFailure failure = failure(TIMEOUT);

        assertThat(failure.kind()).isEqualTo(Kind.STREAM_ERROR);
        assertThat(failure.status()).isEqualTo(200);
        assertThat(failure).hasMessageContaining("CUDA out of memory");
        assertThat(failure.textProduced()).isTrue();
        assertThat(failure.retryable()).isFalse();
    }

    @Test
    void aStreamEndingBeforeItsFinishReasonFails() {
        script = stream(role(), content("Hel"));

        ReplicaFailure failure = failure(TIMEOUT);

        assertThat(failure.kind()).isEqualTo(Kind.STREAM_ERROR);
        assertThat(failure).hasMessage("stream ended early");
        assertThat(failure.textProduced()).isTrue();
    }

    @Test
    void aStreamEndingBeforeAnyTextIsRetryable() {
        script = stream(role());

        ReplicaFailure failure = failure(TIMEOUT);

        assertThat(failure.kind()).isEqualTo(Kind.STREAM_ERROR);
        assertThat(failure.textProduced()).isFalse();
        assertThat(failure.retryable()).isTrue();
    }

    @Test
    void aMalformedChunkFailsTheStream() {
        script = stream(content("a"), "data: {\"choices\":[{\"delta\":\n\n", finish("stop"), DONE);

        ReplicaFailure failure = failure(TIMEOUT);

        assertThat(failure.kind()).isEqualTo(Kind.STREAM_ERROR);
        assertThat(failure).hasMessageStartingWith("malformed chunk");
    }

    @Test
    void aStallMidStreamTimesOut() {
        script = stallAfter(role(), content("Hel"));
        long startedAt = System.nanoTime();

        ReplicaFailure failure = failure(Duration.ofMillis(300));

        assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(failure.status()).isEqualTo(200);
        assertThat(failure.textProduced()).isTrue();
        assertThat(textSoFar).containsExactly("Hel");
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void noResponseHeadersTimesOut() {
        script = exchange -> awaitEndOfTest();
        long startedAt = System.nanoTime();

        ReplicaFailure failure = failure(Duration.ofMillis(300));

        assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(failure.status()).isZero();
        assertThat(failure.retryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void whatTextSoFarThrowsReachesTheCallerAndClosesTheConnection() throws InterruptedException {
        CountDownLatch replicaNoticed = new CountDownLatch(1);
        script = exchange -> {
            exchange.sendResponseHeaders(200, 0);
            // Like vLLM, the replica keeps generating until a write fails because the client went away.
            try (OutputStream body = exchange.getResponseBody()) {
                for (int i = 0; i < 200; i++) {
                    body.write(content("x").getBytes(StandardCharsets.UTF_8));
                    body.flush();
                    sleep(Duration.ofMillis(20));
                }
            } catch (IOException e) {
                replicaNoticed.countDown();
            }
        };
        IllegalStateException abort = new IllegalStateException("caller gave up");

        Throwable thrown = catchThrowable(() -> client.complete(baseUrl(), REQUEST, SESSION, null, TIMEOUT, text -> {
            throw abort;
        }));

        assertThat(thrown).isSameAs(abort);
        assertThat(replicaNoticed.await(3, TimeUnit.SECONDS)).isTrue();
    }

    // --- refusals ------------------------------------------------------------------------------------------

    @Test
    void tooManyRequestsCarriesRetryAfter() {
        script = answer(429, "{\"error\":{\"message\":\"slow down\"}}", "Retry-After", "7");

        ReplicaFailure failure = failure(TIMEOUT);

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.status()).isEqualTo(429);
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("HTTP 429").hasMessageContaining("slow down");
    }

    @Test
    void aRetryAfterThatIsNotSecondsIsIgnored() {
        script = answer(503, "{}", "Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT");

        assertThat(failure(TIMEOUT).retryAfter()).isNull();
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(503, "{\"error\":{\"message\":\"Loading model\",\"type\":\"unavailable_error\",\"code\":503}}",
                        Kind.LOADING),
                Arguments.of(503, "{\"message\":\"LOADING MODEL\"}", Kind.LOADING),
                Arguments.of(503, "{\"error\":\"server busy, please try again. maximum pending requests exceeded\"}",
                        Kind.OVERLOADED),
                Arguments.of(503, "", Kind.OVERLOADED),
                Arguments.of(400, "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens."
                        + " However, you requested 5120 tokens (4096 in the messages, 1024 in the completion). Please"
                        + " reduce the length of the messages or completion.\",\"type\":\"BadRequestError\",\"code\":400}",
                        Kind.CONTEXT_TOO_LONG),
                Arguments.of(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens. However,"
                        + " your messages resulted in 9001 tokens.\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"context_length_exceeded\"}}", Kind.CONTEXT_TOO_LONG),
                Arguments.of(400, "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size,"
                        + " try increasing it\",\"type\":\"exceed_context_size_error\"}}", Kind.CONTEXT_TOO_LONG),
                Arguments.of(400, "{\"error\":{\"message\":\"[{'type': 'missing', 'loc': ('body', 'messages')}]\"}}",
                        Kind.REFUSED),
                Arguments.of(404, "{\"error\":{\"message\":\"The model `nope` does not exist.\"}}", Kind.REFUSED),
                Arguments.of(500, "{\"error\":{\"message\":\"EngineCore encountered an issue\"}}", Kind.SERVER_ERROR),
                Arguments.of(502, "<html>Bad Gateway</html>", Kind.SERVER_ERROR));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void classifiesAnswersThatAreNotSuccess(int status, String body, Kind kind) {
        script = answer(status, body);

        ReplicaFailure failure = failure(TIMEOUT);

        assertThat(failure.kind()).isEqualTo(kind);
        assertThat(failure.status()).isEqualTo(status);
        assertThat(failure.textProduced()).isFalse();
        assertThat(failure.retryable()).isEqualTo(kind.retryable());
        assertThat(failure).hasMessageContaining("HTTP " + status);
    }

    @Test
    void aContextOverflowIsNotRetryable() {
        script = answer(400, "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens.\"}}");

        ReplicaFailure failure = failure(TIMEOUT);

        assertThat(failure.kind()).isEqualTo(Kind.CONTEXT_TOO_LONG);
        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("maximum context length is 4096 tokens");
    }

    @Test
    void theMessageNeverContainsTheKeyEvenWhenTheServerEchoesIt() {
        script = answer(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-key\"}}");

        ReplicaFailure failure = failure(TIMEOUT);

        assertThat(failure.kind()).isEqualTo(Kind.REFUSED);
        assertThat(failure).hasMessageContaining("Incorrect API key provided").hasMessageNotContaining("sk-secret-key");
    }

    @Test
    void aClosedPortIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        ReplicaFailure failure = catchThrowableOfType(ReplicaFailure.class, () -> client.complete(
                URI.create("http://127.0.0.1:" + closedPort + "/v1"), REQUEST, SESSION, null, TIMEOUT, textSoFar::add));

        assertThat(failure.kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(failure.status()).isZero();
        assertThat(failure.retryable()).isTrue();
    }
}
