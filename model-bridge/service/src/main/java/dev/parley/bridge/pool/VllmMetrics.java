package dev.parley.bridge.pool;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the gauges the routing needs from a vLLM {@code /metrics} body in the Prometheus text format 0.0.4.
 *
 * <p>Written by hand rather than with a Prometheus client library because only three gauges matter and the
 * scrape runs every second or so per replica: a line is skipped as soon as its name is not one of them. Every
 * label set of a gauge counts: a data-parallel vLLM server reports one per engine ({@code engine="0"},
 * {@code engine="1"}), and reading only one of them under-counts the replica (the Gateway API Inference
 * Extension had that bug, kubernetes-sigs/gateway-api-inference-extension#2950). Comments, {@code HELP} and
 * {@code TYPE} lines, timestamps and other metrics are ignored; a malformed line is skipped, not fatal, so one
 * odd line from a newer server does not blind the routing.
 */
public final class VllmMetrics {

    /**
     * One replica's gauges.
     *
     * @param waiting      requests queued, summed over the server's engines
     * @param running      requests in the running batch, summed over the server's engines
     * @param kvCacheUsage fraction of KV-cache blocks in use, 0 to 1: the mean over engines, which is the share of
     *                     the whole server's blocks since vLLM gives each engine an equal cache
     */
    public record Sample(int waiting, int running, double kvCacheUsage) {
    }

    private static final String WAITING = "vllm:num_requests_waiting";
    private static final String RUNNING = "vllm:num_requests_running";
    private static final String KV_CACHE = "vllm:kv_cache_usage_perc";
    /** The name before vLLM 0.10; newer servers send both, and then the new one is read. */
    private static final String KV_CACHE_LEGACY = "vllm:gpu_cache_usage_perc";

    // Go's ParseFloat, which Prometheus uses, also takes hex and underscores; no exporter writes those for gauges.
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+");

    private VllmMetrics() {
    }

    /**
     * @return the gauges, or empty when the body has no finite {@code vllm:num_requests_running} and
     * {@code vllm:num_requests_waiting} (not a vLLM server, or one still starting). A missing KV-cache gauge
     * reads as 0, since the request counts alone still rank the replica.
     */
    public static Optional<Sample> parse(String exposition) {
        Gauge waiting = new Gauge();
        Gauge running = new Gauge();
        Gauge kvCache = new Gauge();
        Gauge kvCacheLegacy = new Gauge();
        exposition.lines().forEach(line -> {
            Line parsed = new Line(line);
            Gauge target = switch (parsed.name()) {
                case WAITING -> waiting;
                case RUNNING -> running;
                case KV_CACHE -> kvCache;
                case KV_CACHE_LEGACY -> kvCacheLegacy;
                case null, default -> null;
            };
            if (target != null) {
                parsed.value().ifPresent(target::add);
            }
        });
        if (waiting.samples == 0 || running.samples == 0) {
            return Optional.empty();
        }
        Gauge kv = kvCache.samples > 0 ? kvCache : kvCacheLegacy;
        double kvUsage = kv.samples == 0 ? 0 : Math.clamp(kv.sum / kv.samples, 0.0, 1.0);
        return Optional.of(new Sample(count(waiting.sum), count(running.sum), kvUsage));
    }

    private static int count(double sum) {
        return Math.clamp(Math.round(sum), 0, Integer.MAX_VALUE);
    }

    /** Sum and number of the finite samples of one gauge. */
    private static final class Gauge {
        double sum;
        int samples;

        void add(double value) {
            sum += value;
            samples++;
        }
    }

    /** A cursor over one exposition line: {@code name[{labels}] value [timestamp]}. */
    private static final class Line {
        private final String text;
        private int at;

        Line(String text) {
            this.text = text;
        }

        /** The metric name, or {@code null} for a blank line or a comment. */
        String name() {
            skipBlanks();
            int start = at;
            while (at < text.length() && isNameChar(text.charAt(at))) {
                at++;
            }
            return at == start ? null : text.substring(start, at);
        }

        /** The sample's value, or empty when the rest of the line is malformed or the value is not finite. */
        Optional<Double> value() {
            skipBlanks();
            if (at < text.length() && text.charAt(at) == '{' && !skipLabels()) {
                return Optional.empty();
            }
            String value = token();
            String timestamp = token();
            if (!token().isEmpty() || !(timestamp.isEmpty() || TIMESTAMP.matcher(timestamp).matches())) {
                return Optional.empty();
            }
            // NaN and ±Inf are valid in the format but say nothing about load, so they are skipped like garbage.
            return DECIMAL.matcher(value).matches() ? Optional.of(Double.parseDouble(value)) : Optional.empty();
        }

        /** Steps over {@code {name="value",...}}, escapes included; false when the label set is malformed. */
        private boolean skipLabels() {
            at++;
            while (true) {
                skipBlanks();
                if (at >= text.length()) {
                    return false;
                }
                if (text.charAt(at) == '}') {
                    at++;
                    return true;
                }
                int nameStart = at;
                while (at < text.length() && isNameChar(text.charAt(at)) && text.charAt(at) != ':') {
                    at++;
                }
                skipBlanks();
                if (at == nameStart || !consume('=')) {
                    return false;
                }
                skipBlanks();
                if (!consume('"')) {
                    return false;
                }
                // A value may hold spaces, braces, commas and \" \\ \n escapes; only an unescaped quote ends it.
                while (at < text.length() && text.charAt(at) != '"') {
                    at += text.charAt(at) == '\\' ? 2 : 1;
                }
                if (!consume('"')) {
                    return false;
                }
                skipBlanks();
                if (at < text.length() && text.charAt(at) == ',') {
                    at++;
                } else if (at >= text.length() || text.charAt(at) != '}') {
                    return false;
                }
            }
        }

        /** The next blank-delimited token, or "" at the end of the line. */
        private String token() {
            skipBlanks();
            int start = at;
            while (at < text.length() && !isBlank(text.charAt(at))) {
                at++;
            }
            return text.substring(start, at);
        }

        private boolean consume(char expected) {
            if (at < text.length() && text.charAt(at) == expected) {
                at++;
                return true;
            }
            return false;
        }

        private void skipBlanks() {
            while (at < text.length() && isBlank(text.charAt(at))) {
                at++;
            }
        }

        private static boolean isBlank(char c) {
            return c == ' ' || c == '\t';
        }

        private static boolean isNameChar(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':';
        }
    }
}
