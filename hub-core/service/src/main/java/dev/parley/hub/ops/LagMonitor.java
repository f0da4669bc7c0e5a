package dev.parley.hub.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.hub.config.HubConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * Runs the {@link LagSampler} every {@code parley.ops.sample-interval} on its own thread, from startup to shutdown,
 * and publishes each report to {@link LagMetrics}. It owns the Kafka admin client, built from the same {@code kafka.*}
 * settings as the hub's channels (so TLS and SASL settings apply to it too).
 *
 * <p>Every hub node samples: sampling only reads, so N nodes cost N times a few admin requests per interval and need
 * no election, and each node's {@code /ops/api/lag} and gauges stay answerable on their own. Prometheus rules take the
 * maximum over nodes.
 */
@ApplicationScoped
public class LagMonitor {

    private static final Logger LOG = Logger.getLogger(LagMonitor.class);

    private final Admin admin;
    private final LagSampler sampler;
    private final LagMetrics metrics;
    private final Duration interval;
    private final String autoscaledGroup;
    private final BridgePools pools;
    private final long lagThreshold;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("parley-lag-sampler").daemon().factory());
    /** Whether the last sample failed, so a broker outage is logged once and its end once. Sampling thread only. */
    private boolean failing;

    public LagMonitor(HubConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                      MeterRegistry meters) {
        Map<String, Object> adminConfig = only(kafka, AdminClientConfig.configNames());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "parley-lag-monitor");
        this.admin = Admin.create(adminConfig);
        Map<String, Object> readerConfig = only(kafka, ConsumerConfig.configNames());
        // Assigned, never subscribed: no group to join, nothing to commit.
        readerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        readerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        readerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "parley-lag-reader");
        this.autoscaledGroup = config.ops().autoscaledGroup();
        this.pools = new BridgePools(new ObjectMapper(), config.ops().bridgeUrls().orElse(List.of()));
        this.lagThreshold = config.ops().lagThreshold();
        this.sampler = new LagSampler(admin, () -> new KafkaConsumer<>(readerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), LagSampler.Settings.of(config.ops()), Clock.systemUTC());
        this.metrics = new LagMetrics(meters);
        this.interval = config.ops().sampleInterval();
    }

    void start(@Observes StartupEvent started) {
        ticks.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stopping) {
        ticks.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }

    /** The latest sample's report. */
    public LagReport report() {
        LagReport report = sampler.report();
        report = BridgeAutoscaling.of(report, autoscaledGroup, lagThreshold).map(report::withAutoscaling)
                .orElse(report);
        return pools.configured() ? report.withPool(pools.read()) : report;
    }

    private void sample() {
        try {
            metrics.update(sampler.sample());
            if (failing) {
                LOG.info("sampling Kafka lag works again");
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // The report keeps its last time, so the page shows how stale it is.
            if (!failing) {
                LOG.warnf("sampling Kafka lag failed, trying again every %s: %s", interval,
                        e instanceof ExecutionException ? e.getCause() : e);
            }
            failing = true;
        }
    }

    private static Map<String, Object> only(Map<String, Object> kafka, Set<String> names) {
        Map<String, Object> config = new HashMap<>();
        kafka.forEach((name, value) -> {
            if (names.contains(name)) {
                config.put(name, value);
            }
        });
        return config;
    }
}
