package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.parley.bridge.pool.VllmMetrics.Sample;
import org.junit.jupiter.api.Test;

class VllmMetricsTest {

    /**
     * A vLLM server's /metrics as posted in vllm-project/production-stack#318 ("No backend metrics when querying
     * vllm-router /metrics endpoint"), shortened; a V1 engine of the 0.7/0.8 era, so the KV-cache gauge still has
     * its old name. The last family is the histogram of the vLLM docs' example (docs/usage/metrics.md), whose
     * {@code le} label comes first.
     */
    private static final String VLLM_PRODUCTION_STACK_318 = """
            # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds 1.74262400557e+09
            # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total 439.71999999999997
            # HELP process_open_fds Number of open file descriptors.
            # TYPE process_open_fds gauge
            process_open_fds 45.0
            # HELP process_max_fds Maximum number of open file descriptors.
            # TYPE process_max_fds gauge
            process_max_fds 1.048576e+06
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{model_name="Qwen/Qwen2.5-Coder-32B-Instruct"} 0.0
            # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="Qwen/Qwen2.5-Coder-32B-Instruct"} 0.0
            # HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
            # TYPE vllm:gpu_cache_usage_perc gauge
            vllm:gpu_cache_usage_perc{model_name="Qwen/Qwen2.5-Coder-32B-Instruct"} 0.0
            # HELP vllm:iteration_tokens_total Histogram of number of tokens per engine_step.
            # TYPE vllm:iteration_tokens_total histogram
            vllm:iteration_tokens_total_sum{model_name="unsloth/Llama-3.2-1B-Instruct"} 0.0
            vllm:iteration_tokens_total_bucket{le="1.0",model_name="unsloth/Llama-3.2-1B-Instruct"} 3.0
            vllm:iteration_tokens_total_bucket{le="8.0",model_name="unsloth/Llama-3.2-1B-Instruct"} 3.0
            """;

    /**
     * The Parley simulator's scrape (ReplicaMetrics.scrape() with two sequences running and one waiting on a
     * 1000-token KV cache), captured verbatim and shortened.
     */
    private static final String SIMULATOR = """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{model_name="parley-sim"} 2.0
            # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="parley-sim"} 1.0
            # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{model_name="parley-sim"} 0.201
            # HELP vllm:prompt_tokens_total Number of prefill tokens processed.
            # TYPE vllm:prompt_tokens_total counter
            vllm:prompt_tokens_total{model_name="parley-sim"} 120
            # HELP vllm:request_success_total Count of successfully processed requests.
            # TYPE vllm:request_success_total counter
            vllm:request_success_total{model_name="parley-sim",finished_reason="stop"} 1
            vllm:request_success_total{model_name="parley-sim",finished_reason="length"} 0
            # HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
            # TYPE vllm:time_to_first_token_seconds histogram
            vllm:time_to_first_token_seconds_bucket{model_name="parley-sim",le="0.04"} 1
            vllm:time_to_first_token_seconds_bucket{model_name="parley-sim",le="+Inf"} 1
            vllm:time_to_first_token_seconds_sum{model_name="parley-sim"} 0.035
            vllm:time_to_first_token_seconds_count{model_name="parley-sim"} 1
            """;

    @Test
    void readsARealVllmBodyWithTheOldKvCacheName() {
        assertThat(VllmMetrics.parse(VLLM_PRODUCTION_STACK_318)).contains(new Sample(0, 0, 0.0));
    }

    @Test
    void readsTheSimulator() {
        assertThat(VllmMetrics.parse(SIMULATOR)).contains(new Sample(1, 2, 0.201));
    }

    @Test
    void sumsTheEnginesOfADataParallelServer() {
        // The label layout of a data-parallel vLLM as quoted in kubernetes-sigs/gateway-api-inference-extension#2950,
        // with busy values instead of that report's zeros.
        String body = """
                vllm:num_requests_running{engine="0",model_name="deepseek-v4-flash-w8a8-mtp"} 12.0
                vllm:num_requests_running{engine="1",model_name="deepseek-v4-flash-w8a8-mtp"} 9.0
                vllm:num_requests_waiting{engine="0",model_name="deepseek-v4-flash-w8a8-mtp"} 4.0
                vllm:num_requests_waiting{engine="1",model_name="deepseek-v4-flash-w8a8-mtp"} 0.0
                vllm:kv_cache_usage_perc{engine="0",model_name="deepseek-v4-flash-w8a8-mtp"} 0.9
                vllm:kv_cache_usage_perc{engine="1",model_name="deepseek-v4-flash-w8a8-mtp"} 0.5
                """;

        Sample sample = VllmMetrics.parse(body).orElseThrow();

        assertThat(sample.running()).isEqualTo(21);
        assertThat(sample.waiting()).isEqualTo(4);
        assertThat(sample.kvCacheUsage()).as("mean of equal-sized engine caches").isCloseTo(0.7, within(1e-9));
    }

    @Test
    void prefersTheNewKvCacheNameWhenBothAreSent() {
        String body = """
                vllm:num_requests_running{model_name="m"} 1
                vllm:num_requests_waiting{model_name="m"} 0
                vllm:gpu_cache_usage_perc{model_name="m"} 0.25
                vllm:kv_cache_usage_perc{model_name="m"} 0.5
                """;

        assertThat(VllmMetrics.parse(body)).contains(new Sample(0, 1, 0.5));
    }

    @Test
    void toleratesTimestampsExponentsEscapedLabelsAndOddSpacing() {
        String body = "vllm:num_requests_running{model_name=\"a \\\"quoted\\\" {model} , name\",path=\"C:\\\\m\\n\"} 3e0 1732363200000\n"
                + "vllm:num_requests_running {model_name=\"b}\" , } 2.0E+1\r\n"
                + "\tvllm:num_requests_waiting 5\t-1\n"
                + "vllm:kv_cache_usage_perc{} .25\n";

        assertThat(VllmMetrics.parse(body)).contains(new Sample(5, 23, 0.25));
    }

    @Test
    void skipsMalformedAndNonFiniteSamples() {
        String body = """
                vllm:num_requests_running{model_name="m"} 4
                vllm:num_requests_running{model_name="unterminated} 100
                vllm:num_requests_running{model_name="m" 100
                vllm:num_requests_running{model_name=m} 100
                vllm:num_requests_running{="m"} 100
                vllm:num_requests_running{model_name="m"} 100 later
                vllm:num_requests_running{model_name="m"} 100 1 2
                vllm:num_requests_running{model_name="m"} 1d
                vllm:num_requests_running{model_name="m"} 0x10
                vllm:num_requests_running{model_name="m"}
                vllm:num_requests_running{model_name="m"} NaN
                vllm:num_requests_running{model_name="m"} +Inf
                vllm:num_requests_waiting{model_name="m"} -Inf
                vllm:num_requests_waiting{model_name="m"} 2
                vllm:num_requests_running_by_reason{model_name="m"} 100
                vllm:num_requests_runningx 100
                garbage that is no metric at all
                # vllm:num_requests_running 100
                """;

        assertThat(VllmMetrics.parse(body)).contains(new Sample(2, 4, 0.0));
    }

    @Test
    void clampsImplausibleValues() {
        String body = """
                vllm:num_requests_running 1e12
                vllm:num_requests_waiting -3
                vllm:kv_cache_usage_perc 1.5
                """;

        assertThat(VllmMetrics.parse(body)).contains(new Sample(0, Integer.MAX_VALUE, 1.0));
    }

    @Test
    void emptyWhenTheRequestGaugesAreMissing() {
        assertThat(VllmMetrics.parse("")).isEmpty();
        assertThat(VllmMetrics.parse("# HELP vllm:num_requests_running Number of requests.\n"
                + "# TYPE vllm:num_requests_running gauge\n")).isEmpty();
        assertThat(VllmMetrics.parse("vllm:num_requests_running 1\nvllm:kv_cache_usage_perc 0.5\n")).isEmpty();
        assertThat(VllmMetrics.parse("vllm:num_requests_running NaN\nvllm:num_requests_waiting NaN\n")).isEmpty();
        // llama.cpp's server uses its own names.
        assertThat(VllmMetrics.parse("llamacpp:requests_processing 1\nllamacpp:requests_deferred 0\n")).isEmpty();
    }
}
