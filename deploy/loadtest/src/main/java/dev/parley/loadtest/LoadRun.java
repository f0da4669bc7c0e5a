package dev.parley.loadtest;

import dev.parley.simulators.RecordedCall;
import dev.parley.simulators.SlackWebApiServer;
import dev.parley.simulators.TelegramBotApiServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of traffic against the stack: the platform servers (Bot API and Web API, enforcing the platforms' send
 * limits), the users of each platform, the ledger of every message, the process sampler and the reply tap; the
 * open-loop driver that sends at a fixed rate whatever the hub does, and the drain that waits for the answers.
 */
final class LoadRun implements AutoCloseable {

    private static final String[] QUESTIONS = {
        "how do I reset my password?", "what are your opening hours today", "can you summarise my last order",
        "is the service down right now?", "please translate 'good morning' to French", "thanks, that helped!",
    };

    final Stack stack;
    final String runId = UUID.randomUUID().toString().substring(0, 6);
    final long startNanos = System.nanoTime();
    final Ledger ledger = new Ledger(startNanos);
    final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(false));
    final TelegramBotApiServer telegram = TelegramBotApiServer.start();
    final SlackWebApiServer slack = SlackWebApiServer.start();
    final ProcessSampler processes;
    final Timeline timeline = new Timeline();
    final LongAdder telegramRateLimited = new LongAdder();
    final LongAdder slackRateLimited = new LongAdder();
    final LongAdder platformErrors = new LongAdder();
    final List<String> platformErrorSamples = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Users> mix = new ArrayList<>();
    private final List<Double> shares = new ArrayList<>();
    private final AtomicLong chosen = new AtomicLong();
    /** Where the measured part starts (after a warm-up), seconds since the run's start. */
    volatile double measuredFromSeconds;
    Webhooks webhooks;
    WebChatVisitors webchat;
    TelegramUsers telegramUsers;
    SlackUsers slackUsers;
    private ReplyTap tap;

    LoadRun(Stack stack) {
        this.stack = stack;
        this.processes = new ProcessSampler(stack, startNanos);
        telegram.enforceSendLimits(true);
        slack.enforceRateLimits(true);
        telegram.keepCalls(false);
        slack.keepCalls(false);
        telegram.onCall(call -> platformCall(call, "sendMessage", "editMessageText", telegramRateLimited));
        slack.onCall(call -> platformCall(call, "chat.postMessage", "chat.update", slackRateLimited));
    }

    /**
     * An answer is a post naming its message; a streamed answer is posted with its first piece (which may not
     * name it yet) and finished by edits, so an edit naming a message not yet answered answers it.
     */
    private void platformCall(RecordedCall call, String post, String edit, LongAdder rateLimited) {
        if (call.status() == 429) {
            rateLimited.increment();
        } else if (call.status() != 200) {
            platformErrors.increment();
            if (platformErrorSamples.size() < 10) {
                platformErrorSamples.add(call.method() + " → " + call.status());
            }
        } else if (call.isTo(post)) {
            ledger.answered(call.parameter("text"));
        } else if (call.isTo(edit)) {
            ledger.answerEdited(call.parameter("text"));
        }
    }

    /** Registers bots for {@code rate} messages a second of this workload and opens the web chat sockets. */
    void prepare(Workload workload, double rate, Integer webchatNode) throws IOException, InterruptedException {
        AdminApi admin = new AdminApi(stack.hubUrl(1), stack.secret("PARLEY_ADMIN_TOKEN"));
        List<String> hubs = new ArrayList<>();
        List<String> sockets = new ArrayList<>();
        for (int i = 1; i <= stack.hubNodes; i++) {
            hubs.add(stack.hubUrl(i));
            sockets.add(stack.hubUrl(i).replace("http://", "ws://"));
        }
        webhooks = new Webhooks(vertx, hubs, ledger, 64);
        if (workload.telegram() > 0) {
            double r = rate * workload.telegram();
            telegramUsers = new TelegramUsers(telegram, webhooks, new Audience(workload, r, true),
                    stack.repo.resolve("adapters/telegram/src/test/resources/fixtures/telegram"));
            telegramUsers.register(admin, runId, TelegramUsers.botsFor(r));
            add(telegramUsers, workload.telegram());
        }
        if (workload.slack() > 0) {
            double r = rate * workload.slack();
            slackUsers = new SlackUsers(slack, webhooks, new Audience(workload, r, true),
                    stack.repo.resolve("adapters/slack/src/test/resources/fixtures/slack"));
            slackUsers.register(admin, runId, SlackUsers.appsFor(r));
            add(slackUsers, workload.slack());
        }
        if (workload.webchat() > 0) {
            webchat = new WebChatVisitors(vertx, sockets, ledger, runId);
            int visitors = Math.max(1, (int) Math.ceil(rate * workload.webchat() * workload.userPeriodSeconds()));
            webchat.connect(visitors, webchatNode, 500);
            add(webchat, workload.webchat());
        }
        tap = new ReplyTap(stack.kafkaBootstrap(), runId, ledger);
    }

    private void add(Users users, double share) {
        mix.add(users);
        shares.add(share);
    }

    /** The platform of the n-th message, by share, spread evenly (a cycle of 100 visited in steps of 37). */
    private Users next() {
        long slot = (chosen.getAndIncrement() * 37) % 100;
        double total = shares.stream().mapToDouble(Double::doubleValue).sum();
        double bound = 0;
        for (int i = 0; i < mix.size(); i++) {
            bound += shares.get(i) / total * 100;
            if (slot < Math.round(bound)) {
                return mix.get(i);
            }
        }
        return mix.get(mix.size() - 1);
    }

    /**
     * Open loop: message n is due at start + n / rate and is sent then, whether or not earlier ones were answered,
     * so a slow hub shows up as latency. Returns when the last message of the period has been sent.
     */
    void drive(double rate, double seconds, double redeliveryShare) {
        long begin = ledger.now();
        long total = (long) (rate * seconds);
        long sent = 0;
        while (sent < total) {
            long elapsed = ledger.now() - begin;
            long due = Math.min(total, (long) (elapsed * rate / 1e9) + 1);
            for (; sent < due; sent++) {
                send(begin + (long) (sent * 1e9 / rate), redeliveryShare, null);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /**
     * Closed loop with {@code concurrency} messages in flight: the most the hub accepts, for the ingress scenario.
     * Returns the messages accepted.
     */
    long flood(int concurrency, double seconds) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        long end = ledger.now() + (long) (seconds * 1e9);
        long before = ledger.accepted.sum();
        while (ledger.now() < end) {
            inFlight.acquire();
            send(ledger.now(), 0, inFlight::release);
        }
        // Those still in flight finish (or are being retried) after the period; they do not count in it.
        long accepted = ledger.accepted.sum() - before;
        if (!inFlight.tryAcquire(concurrency, 30, TimeUnit.SECONDS)) {
            System.out.printf("flood: %d requests still unanswered 30 s after the period%n",
                    concurrency - inFlight.availablePermits());
        }
        return accepted;
    }

    private void send(long dueNanos, double redeliveryShare, Runnable done) {
        Users users = next();
        boolean redelivered = redeliveryShare > 0 && Math.floorMod(ledger.size() * 37L, 1000)
                < Math.round(redeliveryShare * 1000);
        Ledger.Message message = ledger.open(users.platform(), dueNanos, redelivered);
        String text = message.tag() + " " + QUESTIONS[(int) (message.seq % QUESTIONS.length)];
        users.send(message, text, done == null ? () -> { } : done);
    }

    /** Waits until every accepted message is answered, or {@code maxSeconds} pass. Returns the seconds waited. */
    double drain(double maxSeconds) throws InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + (long) (maxSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            long open = ledger.all().stream().filter(m -> !m.answered()).count();
            if (open == 0) {
                break;
            }
            Thread.sleep(250);
        }
        Thread.sleep(2000); // a duplicate answer would be on its way now
        return (System.nanoTime() - begin) / 1e9;
    }

    /** Ends the traffic after a drain that took {@code drainSeconds}, noting it for the report. */
    void stopAfter(double drainSeconds) {
        System.out.printf("drained in %.1f s%n", drainSeconds);
        stopTraffic();
    }

    void stopTraffic() {
        if (webhooks != null) {
            webhooks.stop();
        }
        if (webchat != null) {
            webchat.stop();
        }
    }

    @Override
    public void close() {
        stopTraffic();
        if (tap != null) {
            tap.close();
        }
        processes.close();
        if (webchat != null) {
            webchat.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
        telegram.close();
        slack.close();
        vertx.close();
    }
}
