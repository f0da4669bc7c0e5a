package dev.parley.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.simulator.PrometheusText;
import dev.parley.simulator.replica.Replica;
import dev.parley.simulator.reply.FinishReason;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaMetricsTest {

    private static final String MODEL = "{model_name=\"sim \\\"A\\\"\"}";

    private Replica.Load load = new Replica.Load(0, 0, 0, 0, 0, 0);
    private final ReplicaMetrics metrics = new ReplicaMetrics("sim \"A\"", () -> load, 100);

    @Test
    void gaugesReadTheReplicaAtScrapeTime() {
        load = new Replica.Load(1, 3, 22, 2, 150, 110);

        Map<String, Double> samples = PrometheusText.samples(metrics.scrape());

        assertThat(samples).containsEntry("vllm:num_requests_running" + MODEL, 1.0)
                .containsEntry("vllm:num_requests_waiting" + MODEL, 3.0)
                .containsEntry("vllm:kv_cache_usage_perc" + MODEL, 0.22)
                .containsEntry("vllm:num_preemptions_total" + MODEL, 2.0)
                .containsEntry("vllm:prefix_cache_queries_total" + MODEL, 150.0)
                .containsEntry("vllm:prefix_cache_hits_total" + MODEL, 110.0);
    }

    @Test
    void countersAndHistogramsAccumulate() {
        metrics.recordAdmission(Duration.ofMillis(400));
        metrics.recordFirstToken(7, Duration.ofMillis(30));
        metrics.recordFirstToken(5, Duration.ofSeconds(3));
        metrics.recordGeneratedToken();
        metrics.recordGeneratedToken();
        metrics.recordInterTokenLatency(Duration.ofMillis(20));
        metrics.recordFinished(FinishReason.STOP, Duration.ofSeconds(1));
        metrics.recordFinished(FinishReason.ABORT, Duration.ofSeconds(1));

        Map<String, Double> samples = PrometheusText.samples(metrics.scrape());

        String labels = "{model_name=\"sim \\\"A\\\"\",";
        assertThat(samples)
                .containsEntry("vllm:prompt_tokens_total" + MODEL, 12.0)
                .containsEntry("vllm:generation_tokens_total" + MODEL, 2.0)
                .containsEntry("vllm:request_success_total" + labels + "finished_reason=\"stop\"}", 1.0)
                .containsEntry("vllm:request_success_total" + labels + "finished_reason=\"length\"}", 0.0)
                .containsEntry("vllm:request_success_total" + labels + "finished_reason=\"abort\"}", 1.0)
                .containsEntry("vllm:time_to_first_token_seconds_bucket" + labels + "le=\"0.02\"}", 0.0)
                .containsEntry("vllm:time_to_first_token_seconds_bucket" + labels + "le=\"0.04\"}", 1.0)
                .containsEntry("vllm:time_to_first_token_seconds_bucket" + labels + "le=\"2.5\"}", 1.0)
                .containsEntry("vllm:time_to_first_token_seconds_bucket" + labels + "le=\"5.0\"}", 2.0)
                .containsEntry("vllm:time_to_first_token_seconds_bucket" + labels + "le=\"+Inf\"}", 2.0)
                .containsEntry("vllm:time_to_first_token_seconds_count" + MODEL, 2.0)
                .containsEntry("vllm:time_to_first_token_seconds_sum" + MODEL, 3.03)
                .containsEntry("vllm:inter_token_latency_seconds_bucket" + labels + "le=\"0.01\"}", 0.0)
                .containsEntry("vllm:inter_token_latency_seconds_bucket" + labels + "le=\"0.025\"}", 1.0)
                .containsEntry("vllm:inter_token_latency_seconds_count" + MODEL, 1.0)
                .containsEntry("vllm:request_queue_time_seconds_count" + MODEL, 1.0)
                .containsEntry("vllm:e2e_request_latency_seconds_count" + MODEL, 2.0);
    }

    @Test
    void anObservationOnABoundBelongsToThatBucket() {
        metrics.recordFirstToken(1, Duration.ofMillis(100));

        assertThat(PrometheusText.samples(metrics.scrape()))
                .containsEntry("vllm:time_to_first_token_seconds_bucket{model_name=\"sim \\\"A\\\"\",le=\"0.1\"}", 1.0);
    }
}
