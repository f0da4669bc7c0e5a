package dev.parley.bridge.pool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bridge.pool.ReplicaFailure.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Streams one chat completion from one OpenAI-compatible replica (vLLM, llama.cpp, TGI, Ollama, the Parley
 * simulator) and turns every way that can go wrong into a {@link ReplicaFailure} the pool can act on. Plain
 * {@link HttpClient}, no CDI, so the pool owns it and tests run it without Quarkus.
 *
 * <p><b>Timeout.</b> {@code timeout} bounds every silence, not the whole answer: the wait for the response
 * headers ({@link HttpRequest#timeout}) and then each wait for the next piece of the body, keep-alive comments
 * included. A long answer that keeps streaming is never cut (its length is bounded by {@code max_tokens});
 * a replica that stops sending is. vLLM answers 200 as soon as it queues a request, so the timeout must also
 * cover the time a request may wait in a replica's queue before its first token.
 *
 * <p>The body is read through a {@link Flow.Subscriber} that queues each piece for the calling thread, which
 * waits with {@link BlockingQueue#poll(long, TimeUnit)}. {@code BodyHandlers.ofLines()} and
 * {@code ofInputStream()} block in a read that takes no deadline, so they would need a watchdog thread closing
 * the stream from outside and would depend on that close waking the read; the queue needs no extra thread.
 * On a timeout, an error or an early return the subscription is cancelled, which closes the connection, so the
 * replica aborts the generation and frees its slot.
 *
 * <p>Classification of an answer that is not 2xx, by status and body (the body is matched case-insensitively):
 * <ul>
 *   <li>429 → {@link Kind#RATE_LIMITED}</li>
 *   <li>503 whose body says {@code loading} (vLLM and llama.cpp: "Loading model") → {@link Kind#LOADING},
 *       any other 503 → {@link Kind#OVERLOADED}</li>
 *   <li>another 4xx whose body mentions the context length, size or window or the maximum model length
 *       (vLLM/OpenAI "This model's maximum context length is N tokens. However, you requested M tokens", OpenAI's
 *       {@code context_length_exceeded}, llama.cpp's {@code exceed_context_size_error}) →
 *       {@link Kind#CONTEXT_TOO_LONG}; there is no machine-readable code common to the servers</li>
 *   <li>other 5xx → {@link Kind#SERVER_ERROR}; anything else → {@link Kind#REFUSED}</li>
 * </ul>
 * {@code Retry-After} is read when it is a number of seconds; the HTTP-date form is ignored.
 */
public class ReplicaClient {

    // Error bodies are a line of JSON; the cap only protects the heap from a server sending a page or worse.
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    private static final int MAX_QUOTED_CHARS = 300;
    private static final Pattern LOADING = Pattern.compile("loading", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTEXT_EXCEEDED =
            Pattern.compile("context[ _-]?(length|size|window)|maximum model length", Pattern.CASE_INSENSITIVE);
    private static final String REDACTED = "[redacted]";

    private final HttpClient http;
    private final ObjectMapper json;

    public ReplicaClient(HttpClient http, ObjectMapper json) {
        this.http = http;
        this.json = json;
    }

    /**
     * Asks one replica for a completion and streams it.
     *
     * @param baseUrl       the replica's OpenAI base URL, ending in {@code /v1}
     * @param request       sent with {@code "stream": true} and {@code stream_options.include_usage}, whatever it says
     * @param sessionId     the conversation id, sent as {@code x-session-id} so affinity-aware routers in front of
     *                      the replicas keep a conversation on one prefix cache; {@code null} sends none
     * @param authorization the {@code Authorization} header value, or {@code null}
     * @param timeout       the longest silence accepted, see the class comment
     * @param textSoFar     called on this thread with the whole text so far after each non-empty content piece;
     *                      the caller decides how often to publish it. What it throws aborts the stream and
     *                      reaches the caller unchanged.
     * @throws ReplicaFailure    for every failure of the replica or the network
     * @throws CancellationException when this thread is interrupted; its interrupt flag stays set
     */
    public Completion complete(URI baseUrl, CompletionRequest request, String sessionId, String authorization,
                               Duration timeout, Consumer<String> textSoFar) throws ReplicaFailure {
        try {
            return new Call(baseUrl, request, authorization, timeout, textSoFar).run(sessionId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while streaming from " + baseUrl);
        }
    }

    /** One completion in flight: the state of its stream and the failures it can raise. */
    private final class Call {

        private final URI baseUrl;
        private final CompletionRequest request;
        private final String authorization;
        private final Duration timeout;
        private final Consumer<String> textSoFar;
        private final StringBuilder text = new StringBuilder();
        private long startedAt;
        private String model;
        private Completion.Usage usage;
        private String finishReason;
        private Duration timeToFirstToken;

        Call(URI baseUrl, CompletionRequest request, String authorization, Duration timeout,
             Consumer<String> textSoFar) {
            this.baseUrl = baseUrl;
            this.request = request;
            this.authorization = authorization;
            this.timeout = timeout;
            this.textSoFar = textSoFar;
        }

        Completion run(String sessionId) throws ReplicaFailure, InterruptedException {
            HttpRequest httpRequest = httpRequest(sessionId);
            startedAt = System.nanoTime();
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = send(httpRequest);
            try (BodyReader body = BodyReader.subscribe(response.body())) {
                if (response.statusCode() / 100 != 2) {
                    throw refusal(response, body);
                }
                return stream(body);
            }
        }

        private HttpRequest httpRequest(String sessionId) {
            String base = baseUrl.toString().replaceAll("/+$", "");
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body()));
            if (sessionId != null) {
                builder.header("x-session-id", sessionId);
            }
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            return builder.build();
        }

        private byte[] body() {
            try {
                return json.writeValueAsBytes(request.streamingWithUsage());
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("cannot serialise the completion request", e);
            }
        }

        private HttpResponse<Flow.Publisher<List<ByteBuffer>>> send(HttpRequest httpRequest)
                throws ReplicaFailure, InterruptedException {
            try {
                return http.send(httpRequest, HttpResponse.BodyHandlers.ofPublisher());
            } catch (HttpConnectTimeoutException e) {
                throw failure(Kind.UNREACHABLE, 0, null,
                        "cannot connect to replica " + baseUrl + ": " + describe(e), e);
            } catch (HttpTimeoutException e) {
                throw failure(Kind.TIMEOUT, 0, null, "replica " + baseUrl + " sent no response within " + timeout, e);
            } catch (IOException e) {
                throw failure(Kind.UNREACHABLE, 0, null, "cannot reach replica " + baseUrl + ": " + describe(e), e);
            }
        }

        private ReplicaFailure refusal(HttpResponse<?> response, BodyReader body) throws InterruptedException {
            int status = response.statusCode();
            String errorBody = errorBody(body);
            Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(ReplicaClient::seconds)
                    .orElse(null);
            return failure(classify(status, errorBody), status, retryAfter,
                    "replica " + baseUrl + " answered HTTP " + status + ": " + errorMessage(errorBody), null);
        }

        /** The start of the error body; if it cannot be read, the status alone classifies the answer. */
        private String errorBody(BodyReader body) throws InterruptedException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                List<ByteBuffer> buffers;
                while (bytes.size() < MAX_ERROR_BODY_BYTES && (buffers = body.next(timeout)) != null) {
                    for (ByteBuffer buffer : buffers) {
                        byte[] piece = new byte[buffer.remaining()];
                        buffer.get(piece);
                        bytes.write(piece, 0, piece.length);
                    }
                }
            } catch (IOException e) {
                // Keep what arrived.
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }

        private Completion stream(BodyReader body) throws ReplicaFailure, InterruptedException {
            SseEvents events = new SseEvents();
            try {
                for (List<ByteBuffer> buffers; (buffers = body.next(timeout)) != null; ) {
                    for (ByteBuffer buffer : buffers) {
                        for (SseEvents.Event event : events.feed(buffer)) {
                            if (event.isDone()) {
                                return completion();
                            }
                            accept(event);
                        }
                    }
                }
            } catch (IOException e) {
                // Once the finish reason has arrived the text is whole; a break after it costs only the usage.
                if (finishReason != null) {
                    return completion();
                }
                if (e instanceof HttpTimeoutException) {
                    throw failure(Kind.TIMEOUT, 200, null, "replica " + baseUrl + " sent nothing for " + timeout, e);
                }
                throw failure(Kind.STREAM_ERROR, 200, null, "stream from " + baseUrl + " broke: " + describe(e), e);
            }
            if (finishReason != null) {
                return completion();
            }
            throw failure(Kind.STREAM_ERROR, 200, null, "stream ended early", null);
        }

        private void accept(SseEvents.Event event) throws ReplicaFailure {
            if (event.data().isBlank()) {
                return;
            }
            JsonNode chunk;
            try {
                chunk = json.readTree(event.data());
                if (!chunk.isObject()) {
                    throw streamError("chunk is not a JSON object: " + quote(event.data()), null);
                }
                if (chunk.hasNonNull("error")) {
                    throw streamError("replica reported an error mid-stream: " + errorMessage(chunk), null);
                }
                if (chunk.path("usage").isObject()) {
                    usage = json.treeToValue(chunk.get("usage"), Completion.Usage.class);
                }
            } catch (JsonProcessingException e) {
                throw streamError("malformed chunk: " + quote(event.data()), e);
            }
            if (model == null) {
                model = chunk.path("model").textValue();
            }
            // Only choices[0] is read: the bridge never asks for n > 1. The usage chunk has no choices at all.
            JsonNode choice = chunk.path("choices").path(0);
            String piece = choice.path("delta").path("content").textValue();
            if (piece != null && !piece.isEmpty()) {
                if (timeToFirstToken == null) {
                    timeToFirstToken = Duration.ofNanos(System.nanoTime() - startedAt);
                }
                text.append(piece);
                textSoFar.accept(text.toString());
            }
            String finish = choice.path("finish_reason").textValue();
            if (finish != null) {
                finishReason = finish;
            }
        }

        private Completion completion() {
            return new Completion(text.toString(), model != null ? model : request.model(), usage, finishReason,
                    timeToFirstToken, Duration.ofNanos(System.nanoTime() - startedAt));
        }

        private ReplicaFailure streamError(String message, Throwable cause) {
            return failure(Kind.STREAM_ERROR, 200, null, message, cause);
        }

        private ReplicaFailure failure(Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
            return new ReplicaFailure(kind, status, retryAfter, !text.isEmpty(), redact(message), cause);
        }

        /** Servers sometimes echo a rejected key in their error message; it must not reach logs from here. */
        private String redact(String message) {
            if (authorization == null || authorization.isBlank()) {
                return message;
            }
            String credentials = authorization.substring(authorization.indexOf(' ') + 1).trim();
            String redacted = message.replace(authorization, REDACTED);
            return credentials.isEmpty() ? redacted : redacted.replace(credentials, REDACTED);
        }

        /**
         * The human part of an error body: OpenAI's {@code error.message} (or a bare {@code error} string),
         * llama.cpp's {@code message}, FastAPI's {@code detail}; otherwise the body itself, shortened.
         */
        private String errorMessage(String body) {
            try {
                JsonNode node = json.readTree(body);
                if (node != null && node.isObject()) {
                    return errorMessage(node);
                }
            } catch (JsonProcessingException e) {
                // Not JSON: a proxy's HTML or plain text, quoted as it is.
            }
            return body.isBlank() ? "(empty body)" : quote(body);
        }

        private String errorMessage(JsonNode node) {
            JsonNode error = node.path("error");
            List<JsonNode> candidates = List.of(error.path("message"), error, node.path("message"), node.path("detail"));
            for (JsonNode candidate : candidates) {
                if (candidate.isTextual()) {
                    return quote(candidate.textValue());
                }
            }
            return quote(node.toString());
        }
    }

    private static Kind classify(int status, String body) {
        if (status == 429) {
            return Kind.RATE_LIMITED;
        }
        if (status == 503) {
            return LOADING.matcher(body).find() ? Kind.LOADING : Kind.OVERLOADED;
        }
        if (status / 100 == 4 && CONTEXT_EXCEEDED.matcher(body).find()) {
            return Kind.CONTEXT_TOO_LONG;
        }
        return status / 100 == 5 ? Kind.SERVER_ERROR : Kind.REFUSED;
    }

    private static Optional<Duration> seconds(String retryAfter) {
        try {
            long seconds = Long.parseLong(retryAfter.trim());
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }

    private static String quote(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_QUOTED_CHARS ? line : line.substring(0, MAX_QUOTED_CHARS) + " …";
    }

    /**
     * Hands the body's pieces to the calling thread one at a time, so it can wait for each with a deadline;
     * one piece is requested at a time, so a slow reader holds back the server instead of filling the heap.
     */
    private static final class BodyReader implements Flow.Subscriber<List<ByteBuffer>>, AutoCloseable {

        private sealed interface Signal {
        }

        private record Piece(List<ByteBuffer> buffers) implements Signal {
        }

        private record Failed(Throwable error) implements Signal {
        }

        private record End() implements Signal {
        }

        private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
        private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
        private boolean finished;

        static BodyReader subscribe(Flow.Publisher<List<ByteBuffer>> body) {
            BodyReader reader = new BodyReader();
            body.subscribe(reader);
            return reader;
        }

        /**
         * @return the next piece, or {@code null} at the end of the body
         * @throws HttpTimeoutException when nothing arrived within {@code idle}
         * @throws IOException          when the connection broke
         */
        List<ByteBuffer> next(Duration idle) throws IOException, InterruptedException {
            Signal signal = signals.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
            return switch (signal) {
                case null -> throw new HttpTimeoutException("no bytes for " + idle);
                case Piece piece -> {
                    subscription.join().request(1);
                    yield piece.buffers();
                }
                case Failed failed -> {
                    finished = true;
                    throw failed.error() instanceof IOException io ? io : new IOException(failed.error());
                }
                case End end -> {
                    finished = true;
                    yield null;
                }
            };
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.complete(s);
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            signals.add(new Piece(item));
        }

        @Override
        public void onError(Throwable error) {
            signals.add(new Failed(error));
        }

        @Override
        public void onComplete() {
            signals.add(new End());
        }

        /** Stops a body not read to its end, which closes the connection so the replica stops generating. */
        @Override
        public void close() {
            if (!finished) {
                subscription.thenAccept(Flow.Subscription::cancel);
            }
        }
    }
}
