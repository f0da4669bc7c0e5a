package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bridge.config.BridgeConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.health.HealthCheckResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the pool's replicas come from: the configured list, the model's base URL, or a DNS name's addresses. */
class ModelPoolReplicasTest {

    private static ModelPool pool(Map<String, String> settings) {
        BridgeConfig config = new io.smallrye.config.SmallRyeConfigBuilder().withMapping(BridgeConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(settings).build().getConfigMapping(BridgeConfig.class);
        return new ModelPool(config, new ObjectMapper(), new SimpleMeterRegistry());
    }

    @Test
    void aDnsNameBecomesOneReplicaPerAddressOnTheConfiguredPort() {
        ModelPool pool = pool(Map.of("parley.pool.dns-name", "localhost", "parley.pool.dns-port", "8123"));

        assertThat(pool.replicas()).extracting(ReplicaLoad::id).contains("http://127.0.0.1:8123/v1")
                .allSatisfy(id -> assertThat(id).endsWith(":8123/v1"));
    }

    @Test
    void withoutAListOrANameTheModelsBaseUrlIsTheOnlyReplica() {
        ModelPool pool = pool(Map.of("parley.model.base-url", "http://10.1.2.3:8000/v1"));

        assertThat(pool.replicas()).extracting(ReplicaLoad::id).containsExactly("http://10.1.2.3:8000/v1");
        assertThat(pool.capacity()).as("not ready before its first health check").isZero();
        assertThat(pool.hasFallback()).isFalse();
    }

    @Test
    void readinessStaysDownWhileTheOnlyReplicaLoadsAndComesUpWithIt() throws Exception {
        AtomicInteger health = new AtomicInteger(503); // the simulator's answer while it "loads" its weights
        HttpServer replica = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        replica.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(health.get(), -1);
            exchange.close();
        });
        replica.createContext("/metrics", exchange -> {
            byte[] body = "vllm:num_requests_running 0\nvllm:num_requests_waiting 0\n".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        replica.start();
        ModelPool pool = pool(Map.of("parley.pool.replicas", "http://127.0.0.1:" + replica.getAddress().getPort()
                + "/v1", "parley.pool.scrape-interval", "100ms"));
        PoolReadiness readiness = new PoolReadiness(pool);
        try {
            pool.start(null);
            Thread.sleep(500);
            assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);

            health.set(200);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> readiness.call().getStatus() == HealthCheckResponse.Status.UP);
            assertThat(pool.capacity()).isEqualTo(32);
        } finally {
            pool.stop(null);
            replica.stop(0);
        }
    }

    @Test
    void theListAndAFallbackPoolAreBothKept() {
        ModelPool pool = pool(Map.of("parley.pool.replicas", "http://a:8000/v1,http://b:8000/v1",
                "parley.pool.fallback.replicas", "http://small:8000/v1"));

        assertThat(pool.replicas()).extracting(ReplicaLoad::id)
                .containsExactlyInAnyOrder("http://a:8000/v1", "http://b:8000/v1", "http://small:8000/v1");
        assertThat(pool.hasFallback()).isTrue();
    }
}
