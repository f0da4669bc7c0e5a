package dev.parley.hub.ingress;

import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.InboundListener;
import dev.parley.contract.spi.PlatformAdapter;
import dev.parley.hub.admin.BotAdministration;
import dev.parley.hub.config.HubConfig;
import dev.parley.hub.config.NodeIdentity;
import dev.parley.hub.pipeline.InboundPipeline;
import dev.parley.hub.registry.BotRecord;
import dev.parley.hub.registry.BotRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the listening side of adapters (Telegram long polling, Slack Socket Mode) for every bot that is received
 * that way, each on exactly one hub node: the holder of the Redis lease {@code parley:listener:{botId}}. The holder
 * renews its leases every {@code renew-interval}; a node that stops renewing (crashed, cut off) loses them after
 * {@code lease-ttl}, and the next node to look claims them, so a bot is never deaf for longer than
 * {@code lease-ttl + claim-interval}. A node that finds it lost a lease stops listening before its next poll, so two
 * nodes overlap for at most one poll, whose copies the pipeline's dedup drops.
 *
 * <p>What the listener receives goes into the same {@link InboundPipeline} as webhook calls, and the listener is
 * told it is stored only once Kafka has it.
 */
@ApplicationScoped
public class InboundListeners {

    private static final Logger LOG = Logger.getLogger(InboundListeners.class);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    /** Renews the lease only while this node still holds it. */
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0""";

    /** Lets go of the lease only while this node still holds it. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0""";

    private final Map<Platform, InboundListener> listeners = new EnumMap<>(Platform.class);
    private final BotRegistry registry;
    private final BotAdministration administration;
    private final InboundPipeline pipeline;
    private final RedisDataSource redis;
    private final ValueCommands<String, String> values;
    private final String node;
    private final HubConfig.Listeners config;
    private final MeterRegistry meters;
    private final Map<String, Listening> listening = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("parley-listener-leases").daemon().factory());

    public InboundListeners(Instance<PlatformAdapter> adapters, BotRegistry registry,
                            BotAdministration administration, InboundPipeline pipeline, RedisDataSource redis,
                            NodeIdentity node, HubConfig config, MeterRegistry meters) {
        adapters.forEach(adapter -> {
            if (adapter instanceof InboundListener listener) {
                listeners.put(adapter.platform(), listener);
            }
        });
        this.registry = registry;
        this.administration = administration;
        this.pipeline = pipeline;
        this.redis = redis;
        this.values = redis.value(String.class);
        this.node = node.id();
        this.config = config.listeners();
        this.meters = meters;
    }

    void start(@Observes StartupEvent started) {
        meters.gauge("parley_listeners_held", listening, Map::size);
        ticks.scheduleWithFixedDelay(this::claim, 0, config.claimInterval().toMillis(), TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(this::renew, config.renewInterval().toMillis(),
                config.renewInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stopping) {
        ticks.shutdownNow();
        // Let go at once, so another node takes over within a claim interval rather than a lease TTL.
        listening.values().forEach(Listening::stop);
        listening.keySet().forEach(this::release);
    }

    /** The bots this node listens to now. */
    public List<String> held() {
        return List.copyOf(listening.keySet());
    }

    /** Looks for listening bots: claims the free ones, stops those removed, changed or switched to webhooks. */
    private void claim() {
        try {
            Map<String, BotRecord> wanted = new HashMap<>();
            for (BotRecord bot : registry.all()) {
                InboundListener listener = listeners.get(Platform.fromId(bot.platform()));
                if (listener != null && listener.listensFor(administration.profile(bot))) {
                    wanted.put(bot.id(), bot);
                }
            }
            listening.forEach((botId, running) -> {
                BotRecord now = wanted.get(botId);
                if (now == null || now.updatedAtMillis() != running.version) {
                    // Removed, switched to a webhook, or changed (a rotated token): stop; a changed bot is claimed
                    // again right away with its new profile.
                    running.stop();
                    listening.remove(botId);
                    release(botId);
                }
            });
            wanted.forEach((botId, bot) -> {
                if (!listening.containsKey(botId) && Boolean.TRUE.equals(claimLease(botId))) {
                    BotProfile profile = administration.profile(bot);
                    Listening started = new Listening(botId, bot.updatedAtMillis(), listeners.get(profile.platform()),
                            profile);
                    listening.put(botId, started);
                    // Registered once per bot (Micrometer keeps the first); reads 0 once this node lets go.
                    Gauge.builder("parley_listener_held", listening, held -> held.containsKey(botId) ? 1 : 0)
                            .description("1 while this node listens for the bot (holds its lease)")
                            .tags("platform", profile.platform().id(), "bot", botId).register(meters);
                    LOG.infof("node %s now listens for bot %s (%s)", node, botId, profile.platform().id());
                    meters.counter("parley_listener_claims", "platform", profile.platform().id()).increment();
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("looking for listening bots failed, trying again in %s: %s", config.claimInterval(),
                    e.toString());
        }
    }

    private Boolean claimLease(String botId) {
        return values.setGet(leaseKey(botId), node, new SetArgs().nx().px(config.leaseTtl())) == null;
    }

    private void renew() {
        listening.forEach((botId, running) -> {
            try {
                long renewed = redis.execute("EVAL", RENEW, "1", leaseKey(botId), node,
                        Long.toString(config.leaseTtl().toMillis())).toLong();
                if (renewed == 0) {
                    LOG.warnf("node %s lost the lease of bot %s; another node listens now", node, botId);
                    running.stop();
                    listening.remove(botId, running);
                }
            } catch (RuntimeException e) {
                // Redis unreachable: keep listening; if the lease expires meanwhile, the next renewal says so.
                LOG.debugf("renewing the lease of bot %s failed: %s", botId, e.toString());
            }
        });
    }

    private void release(String botId) {
        try {
            redis.execute("EVAL", RELEASE, "1", leaseKey(botId), node);
        } catch (RuntimeException e) {
            LOG.debugf("releasing the lease of bot %s failed; it expires on its own: %s", botId, e.toString());
        }
    }

    private static String leaseKey(String botId) {
        return "parley:listener:" + botId;
    }

    /** Stores what a listener received: true once every message is on Kafka (or deliberately dropped). */
    private boolean store(List<InboundMessage> messages) {
        try {
            for (InboundMessage message : messages) {
                if (pipeline.accept(message).await().atMost(STORE_TIMEOUT) == InboundPipeline.Acceptance.IN_FLIGHT) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("could not store received messages, they will be received again: %s", e.toString());
            return false;
        }
    }

    /** One bot being listened to on its own virtual thread, restarted after failures with a growing pause. */
    private final class Listening {
        private final String botId;
        private final long version;
        private volatile boolean active = true;
        private final Thread thread;

        Listening(String botId, long version, InboundListener listener, BotProfile profile) {
            this.botId = botId;
            this.version = version;
            this.thread = Thread.ofVirtual().name("parley-listener-" + botId).start(() -> run(listener, profile));
        }

        private void run(InboundListener listener, BotProfile profile) {
            Duration pause = Duration.ofSeconds(1);
            String lastFailure = null;
            while (active) {
                try {
                    listener.listen(profile, InboundListeners.this::store, () -> active);
                    pause = Duration.ofSeconds(1);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    String failure = Objects.toString(e.getMessage(), e.getClass().getSimpleName());
                    if (!failure.equals(lastFailure)) {
                        LOG.warnf("listening for bot %s failed, trying again: %s", botId, failure);
                        lastFailure = failure;
                    }
                    meters.counter("parley_listener_failures", "platform", profile.platform().id()).increment();
                    try {
                        Thread.sleep(pause.toMillis());
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                }
            }
        }

        void stop() {
            active = false;
            thread.interrupt();
        }
    }
}
