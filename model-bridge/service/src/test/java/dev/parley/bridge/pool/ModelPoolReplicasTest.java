package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bridge.config.BridgeConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
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
    void theListAndAFallbackPoolAreBothKept() {
        ModelPool pool = pool(Map.of("parley.pool.replicas", "http://a:8000/v1,http://b:8000/v1",
                "parley.pool.fallback.replicas", "http://small:8000/v1"));

        assertThat(pool.replicas()).extracting(ReplicaLoad::id)
                .containsExactlyInAnyOrder("http://a:8000/v1", "http://b:8000/v1", "http://small:8000/v1");
        assertThat(pool.hasFallback()).isTrue();
    }
}
