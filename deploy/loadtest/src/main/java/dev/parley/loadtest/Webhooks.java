package dev.parley.loadtest;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Posts webhooks the way Telegram and Slack do: one POST per event to a load balancer in front of the hub nodes
 * (here: the next node in turn), and on a timeout, a refused connection, a 5xx, 429 or 409 the same event again
 * later (1 s, doubling, at most 8 s apart) until it is acknowledged, so a message the hub could not take is
 * retried, never dropped by the harness. A 400/401/404/413 is a bug in the harness or the hub and is counted, not
 * retried. Acknowledgement latency is measured from the moment the event was due, not from when it left, so a
 * generator that falls behind shows up as latency.
 */
final class Webhooks {

    /** A request as the platform would send it; built again for each attempt (Slack signs with a fresh timestamp). */
    record Post(String path, MultiMap headers, Buffer body) {
    }

    private final HttpClient client;
    private final Vertx vertx;
    private final List<String> hubs;
    private final Ledger ledger;
    private final AtomicLong nextHub = new AtomicLong();
    private volatile boolean stopped;

    final LongAdder retries = new LongAdder();
    /** Answers that made the harness try again, by HTTP status (0: no answer: refused, reset or timed out). */
    final Map<Integer, LongAdder> retriedStatuses = new ConcurrentHashMap<>();
    final LongAdder refused = new LongAdder();
    final LongAdder redeliveries = new LongAdder();
    final LongAdder redeliveriesAccepted = new LongAdder();

    Webhooks(Vertx vertx, List<String> hubs, Ledger ledger, int connectionsPerHub) {
        this.vertx = vertx;
        this.hubs = hubs;
        this.ledger = ledger;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout(2000).setIdleTimeout(30), new PoolOptions().setHttp1MaxSize(connectionsPerHub)
                .setMaxWaitQueueSize(-1));
    }

    /**
     * Delivers a user message until the hub acknowledges it; then, for a share of messages, delivers it once more
     * a second later (the platform's redelivery of an event whose acknowledgement it did not see).
     */
    void deliver(Ledger.Message message, Supplier<Post> post, Supplier<Post> redelivery, IntConsumer done) {
        attempt(message, post, 0, status -> {
            if (status == 200) {
                ledger.accepted(message);
                if (message.redelivered) {
                    vertx.setTimer(1000 + ThreadLocalRandom.current().nextInt(1000), t -> {
                        redeliveries.increment();
                        attempt(message, redelivery, 0, again -> {
                            if (again == 200) {
                                redeliveriesAccepted.increment();
                            }
                        });
                    });
                }
            }
            done.accept(status);
        });
    }

    private void attempt(Ledger.Message message, Supplier<Post> post, int failures, IntConsumer done) {
        if (stopped) {
            done.accept(-1);
            return;
        }
        Post request = post.get();
        String hub = hubs.get((int) (nextHub.getAndIncrement() % hubs.size()));
        message.attempts.incrementAndGet();
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(hub + request.path())
                        .setHeaders(request.headers()).setIdleTimeout(10_000))
                .compose(req -> req.send(request.body()))
                .compose(resp -> resp.body().map(body -> resp.statusCode()))
                .onComplete(result -> {
                    int status = result.succeeded() ? result.result() : 0;
                    if (status == 200) {
                        done.accept(200);
                    } else if (status == 0 || status >= 500 || status == 429 || status == 409) {
                        retries.increment();
                        retriedStatuses.computeIfAbsent(status, k -> new LongAdder()).increment();
                        long delay = Math.min(8000, 1000L << Math.min(failures, 3));
                        vertx.setTimer(delay, t -> attempt(message, post, failures + 1, done));
                    } else {
                        refused.increment();
                        done.accept(status);
                    }
                });
    }

    void stop() {
        stopped = true;
    }

    void close() {
        client.close();
    }
}
