package dev.parley.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring files operators deploy: {@code deploy/prometheus} (scrape config, alert rules and their unit tests)
 * checked by Prometheus' own {@code promtool}, and {@code deploy/grafana/parley-dashboard.json}, whose queries must
 * parse and use only metrics Parley and vLLM export. A plain unit test: no stack needed, only {@code promtool}
 * (Debian package {@code prometheus}), which it refuses to do without.
 */
class MonitoringRulesTest {

    /**
     * Every series name a query may use: what the hub, the bridge and vLLM export, as Prometheus names them
     * (Micrometer adds {@code _total} to counters; timers are {@code _seconds} histograms).
     */
    static final Set<String> KNOWN_METRICS = Set.of(
            // hub: Kafka lag monitor
            "parley_kafka_lag_messages", "parley_kafka_lag_seconds",
            "parley_kafka_group_lag_messages", "parley_kafka_group_lag_seconds",
            "parley_kafka_time_to_drain_seconds", "parley_kafka_consumer_state", "parley_kafka_dlq_records",
            // hub: ingress, pipeline, delivery, listeners
            "parley_messages_total", "parley_messages_rejected_total", "parley_replies_delivered_total",
            "parley_delivery_receipts_total", "parley_delivery_failures_total", "parley_credentials_rejected_total",
            "parley_listeners_held", "parley_listener_held", "parley_listener_claims_total",
            "parley_listener_failures_total",
            // bridge
            "parley_bridge_requests_total",
            "parley_bridge_queue_wait_seconds_bucket", "parley_bridge_queue_wait_seconds_count",
            "parley_bridge_queue_wait_seconds_sum", "parley_bridge_queue_wait_seconds_max",
            "parley_bridge_time_to_first_token_seconds_bucket", "parley_bridge_time_to_first_token_seconds_count",
            "parley_bridge_time_to_first_token_seconds_sum", "parley_bridge_time_to_first_token_seconds_max",
            "parley_bridge_pool_capacity", "parley_bridge_pool_in_flight", "parley_bridge_requests_in_flight",
            "parley_bridge_admission_capacity", "parley_bridge_replica_failures_total",
            // vLLM replicas (and the simulator)
            "vllm:num_requests_waiting", "vllm:num_requests_running", "vllm:kv_cache_usage_perc",
            "vllm:time_to_first_token_seconds_bucket", "vllm:time_to_first_token_seconds_count",
            "vllm:time_to_first_token_seconds_sum");

    /** Alerts may also use Prometheus' own scrape health. */
    static final String SCRAPE_HEALTH = "up";

    static final Path REPO = repositoryRoot();
    static final Path PROMETHEUS_DIR = REPO.resolve("deploy/prometheus");
    static final Path DASHBOARD = REPO.resolve("deploy/grafana/parley-dashboard.json");
    static final Path RUNBOOK = REPO.resolve("deploy/RUNBOOK.md");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theScrapeConfigIsValidAndLoadsTheAlerts() throws Exception {
        Result result = promtool(PROMETHEUS_DIR, "check", "config", "prometheus.yml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("SUCCESS: prometheus.yml is valid prometheus config file syntax")
                .contains("SUCCESS: 1 rule files found");
        String config = read(PROMETHEUS_DIR.resolve("prometheus.yml"));
        assertThat(config).contains("- alerts.yml")
                .contains("job_name: parley-hub").contains("job_name: parley-bridge").contains("job_name: vllm");
    }

    /**
     * The commented Kubernetes example, uncommented, must be a valid config too. Debian builds promtool without
     * Kubernetes discovery: then the only error allowed is that it does not know {@code kubernetes_sd_configs}
     * (any misspelt field would be reported beside it).
     */
    @Test
    void theKubernetesExampleIsValidOnceUncommented(@TempDir Path dir) throws Exception {
        String config = read(PROMETHEUS_DIR.resolve("prometheus.yml"));
        List<String> lines = config.lines().toList();
        int begin = lines.indexOf("# BEGIN kubernetes example");
        int end = lines.indexOf("# END kubernetes example");
        assertThat(begin).as("'# BEGIN kubernetes example' line").isNotNegative();
        assertThat(end).as("'# END kubernetes example' line").isGreaterThan(begin + 1);
        StringBuilder example = new StringBuilder();
        for (String line : lines) {
            example.append(line).append('\n');
            if (line.equals("scrape_configs:")) {
                break;
            }
        }
        for (String line : lines.subList(begin + 1, end)) {
            assertThat(line).as("every line of the example starts with '#'").startsWith("#");
            example.append(line.startsWith("# ") ? line.substring(2) : line.substring(1)).append('\n');
        }
        Files.writeString(dir.resolve("prometheus.yml"), example);
        Files.copy(PROMETHEUS_DIR.resolve("alerts.yml"), dir.resolve("alerts.yml"));

        Result result = promtool(dir, "check", "config", "prometheus.yml");

        if (result.exitCode() != 0) {
            List<String> problems = result.output().lines().map(String::strip)
                    .filter(line -> line.matches("line \\d+: .*")).toList();
            assertThat(problems).as(result.output()).isNotEmpty()
                    .allMatch(line -> line.endsWith("field kubernetes_sd_configs not found in type config.ScrapeConfig"));
        }
        assertThat(example.toString()).contains("kubernetes_sd_configs:").contains("job_name: parley-hub")
                .contains("job_name: parley-bridge").contains("job_name: vllm");
    }

    @Test
    void theAlertRulesAreValid() throws Exception {
        Result result = promtool(PROMETHEUS_DIR, "check", "rules", "alerts.yml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + alerts().size() + " rules found");
    }

    @Test
    void theAlertUnitTestsPass() throws Exception {
        Result result = promtool(PROMETHEUS_DIR, "test", "rules", "alerts_test.yml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyAlertIsUnitTestedAnnotatedAndHasItsRunbookSection() throws Exception {
        String tests = read(PROMETHEUS_DIR.resolve("alerts_test.yml"));
        Set<String> runbookAnchors = markdownAnchors(read(RUNBOOK));
        Map<String, String> alerts = alerts();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(9);

        alerts.forEach((name, rule) -> {
            String anchor = name.toLowerCase();
            assertThat(rule).as(name).contains("summary:").contains("description:")
                    .contains("runbook_url: \"deploy/RUNBOOK.md#" + anchor + "\"")
                    .containsPattern("severity: (critical|warning)");
            assertThat(runbookAnchors).as("a '## " + name + "' section in deploy/RUNBOOK.md").contains(anchor);
            assertThat(tests).as("a unit test of " + name + " in alerts_test.yml")
                    .contains("alertname: " + name + "\n");
        });
    }

    @Test
    void alertExpressionsUseOnlyKnownMetrics() throws Exception {
        List<String> expressions = expressionsOf(read(PROMETHEUS_DIR.resolve("alerts.yml")));
        assertThat(expressions).hasSameSizeAs(alerts().values());

        Set<String> allowed = new TreeSet<>(KNOWN_METRICS);
        allowed.add(SCRAPE_HEALTH);
        for (String expr : expressions) {
            assertThat(metricNames(expr)).as(expr).isNotEmpty().isSubsetOf(allowed);
        }
    }

    @Test
    void theDashboardIsAnImportableGrafanaDashboard() throws Exception {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());

        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        assertThat(dashboard.path("title").asText()).isNotBlank();
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));
        assertThat(variables).containsKeys("DS_PROMETHEUS", "group", "topic");
        assertThat(variables.get("DS_PROMETHEUS").path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get("DS_PROMETHEUS").path("query").asText()).isEqualTo("prometheus");
        for (String name : List.of("group", "topic")) {
            assertThat(variables.get(name).path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
            assertThat(metricNames(variables.get(name).path("definition").asText())).isSubsetOf(KNOWN_METRICS);
        }

        List<String> rows = new ArrayList<>();
        Set<Integer> ids = new LinkedHashSet<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique: " + panel.path("id")).isTrue();
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
            } else {
                panels.add(panel);
            }
        });
        assertThat(rows).containsExactly("Lag", "Pipeline throughput", "Model pool", "DLQ");
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets").size()).as(title).isPositive();
            panel.path("targets").forEach(target -> assertThat(target.path("datasource").path("uid").asText())
                    .as(title).isEqualTo("${DS_PROMETHEUS}"));
        }
        assertNoOverlap(dashboard.path("panels"));
    }

    /** Lag in seconds, queue wait and time to first token side by side: a slow bridge against a saturated pool. */
    @Test
    void theModelPoolRowShowsLagBesideQueueWaitAndTimeToFirstToken() throws Exception {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        Map<String, Integer> rowOf = new LinkedHashMap<>();
        dashboard.path("panels").forEach(panel -> {
            String exprs = panel.path("targets").findValuesAsText("expr").toString();
            int y = panel.path("gridPos").path("y").asInt();
            if (exprs.contains("parley_kafka_group_lag_seconds") && exprs.contains("parley-bridge")) {
                rowOf.put("lag", y);
            } else if (exprs.contains("parley_bridge_queue_wait_seconds_bucket")) {
                rowOf.put("queue wait", y);
            } else if (exprs.contains("parley_bridge_time_to_first_token_seconds_bucket")) {
                rowOf.put("time to first token", y);
            }
        });
        assertThat(rowOf).containsOnlyKeys("lag", "queue wait", "time to first token");
        assertThat(Set.copyOf(rowOf.values())).hasSize(1);
    }

    @Test
    void everyDashboardQueryUsesOnlyKnownMetrics() throws Exception {
        List<String> expressions = dashboardExpressions();
        assertThat(expressions).hasSizeGreaterThan(20);

        for (String expr : expressions) {
            assertThat(metricNames(expr)).as(expr).isNotEmpty().isSubsetOf(KNOWN_METRICS);
        }
    }

    /** promtool parses each query as a recording rule, Grafana's variables replaced by plain values. */
    @Test
    void everyDashboardQueryParses(@TempDir Path dir) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (String expr : dashboardExpressions()) {
            String plain = expr.replace("$__rate_interval", "5m").replace("$__range", "1h")
                    .replace("$group", ".*").replace("$topic", ".*");
            rules.append("      - record: dashboard:query_").append(i++).append('\n')
                    .append("        expr: ").append(JSON.writeValueAsString(plain)).append('\n');
        }
        Files.writeString(dir.resolve("dashboard-queries.yml"), rules);

        Result result = promtool(dir, "check", "rules", "dashboard-queries.yml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + i + " rules found");
    }

    @Test
    void metricNamesAreFoundAndEverythingElseIsNot() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(parley_bridge_queue_wait_seconds_bucket"
                + "{instance=~\"a|b\"}[$__rate_interval])))"))
                .containsExactly("parley_bridge_queue_wait_seconds_bucket");
        assertThat(metricNames("max by (group, topic) (x_total{group=~\"$group\"}) > 30 and on () "
                + "max(deriv(vllm:num_requests_waiting[5m] offset 1h)) > 1e3 or vector(0)"))
                .containsExactly("x_total", "vllm:num_requests_waiting");
        assertThat(metricNames("sum without (instance) (a) / ignoring (le) group_left (code) b unless c"))
                .containsExactly("a", "b", "c");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    record Result(int exitCode, String output) {
    }

    static Result promtool(Path workingDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtoolBinary());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("promtool", ".out");
        try {
            Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("promtool " + String.join(" ", args) + " did not finish within 2 minutes");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static String promtoolBinary() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "promtool"));
            }
        }
        candidates.add(Path.of("/usr/bin/promtool"));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString).orElseGet(() ->
                fail("promtool is not installed, so deploy/prometheus cannot be checked. Install the Debian package "
                        + "`prometheus` (sudo apt-get install -y --no-install-recommends prometheus), which provides "
                        + "/usr/bin/promtool; CI's .ci/run installs it."));
    }

    /** Alert name to its rule's text (from its "- alert:" line to the next rule or group). */
    static Map<String, String> alerts() throws IOException {
        String text = read(PROMETHEUS_DIR.resolve("alerts.yml"));
        Matcher rule = Pattern.compile("(?m)^\\s*- (?:alert|record): (\\S+)\\s*$").matcher(text);
        List<Integer> starts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (rule.find()) {
            starts.add(rule.start());
            names.add(rule.group(1));
        }
        Map<String, String> alerts = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            int to = i + 1 < names.size() ? starts.get(i + 1) : text.length();
            String previous = alerts.put(names.get(i), text.substring(starts.get(i), to));
            assertThat(previous).as("alert names are unique: " + names.get(i)).isNull();
        }
        return alerts;
    }

    /** The values of every {@code expr:} key of a rules file, inline or as a block scalar. */
    static List<String> expressionsOf(String yaml) {
        List<String> expressions = new ArrayList<>();
        List<String> lines = yaml.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher expr = Pattern.compile("^(\\s*)expr:\\s*(.*)$").matcher(lines.get(i));
            if (!expr.matches()) {
                continue;
            }
            String value = expr.group(2).strip();
            if (value.startsWith("|") || value.startsWith(">")) {
                int indent = expr.group(1).length();
                StringBuilder block = new StringBuilder();
                while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
                        || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent)) {
                    block.append(lines.get(++i).strip()).append('\n');
                }
                expressions.add(block.toString().strip());
            } else {
                expressions.add(value.replaceAll("^[\"']|[\"']$", ""));
            }
        }
        return expressions;
    }

    static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
            panel.path("panels").forEach(nested ->
                    nested.path("targets").forEach(target -> expressions.add(target.path("expr").asText())));
        });
        assertThat(expressions).as("every target has an expr").doesNotContain("");
        return expressions;
    }

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern NAME = Pattern.compile("(?<![\\w:.])([A-Za-z_:][\\w:]*)(?![\\w:]|\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2");

    /** The series names a PromQL expression (or a Grafana label_values query) selects. */
    static Set<String> metricNames(String expr) {
        String rest = STRING.matcher(expr).replaceAll("\"\"");
        rest = VARIABLE.matcher(rest).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        rest = rest.replaceAll("label_values\\(\\s*([A-Za-z_:][\\w:]*)\\s*,\\s*\\w+\\s*\\)", "$1");
        Set<String> names = new LinkedHashSet<>();
        Matcher name = NAME.matcher(rest);
        while (name.find()) {
            if (!KEYWORDS.contains(name.group(1).toLowerCase())) {
                names.add(name.group(1));
            }
        }
        return names;
    }

    /** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> markdownAnchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        markdown.lines().filter(line -> line.matches("#{1,6} .*")).forEach(line -> anchors.add(
                line.replaceFirst("#{1,6} ", "").strip().toLowerCase()
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-')));
        return anchors;
    }

    static void assertNoOverlap(JsonNode panels) {
        List<JsonNode> placed = new ArrayList<>();
        panels.forEach(panel -> {
            JsonNode at = panel.path("gridPos");
            assertThat(at.path("x").asInt() + at.path("w").asInt()).as(panel.path("title").asText())
                    .isLessThanOrEqualTo(24);
            for (JsonNode other : placed) {
                JsonNode o = other.path("gridPos");
                boolean apart = at.path("x").asInt() >= o.path("x").asInt() + o.path("w").asInt()
                        || o.path("x").asInt() >= at.path("x").asInt() + at.path("w").asInt()
                        || at.path("y").asInt() >= o.path("y").asInt() + o.path("h").asInt()
                        || o.path("y").asInt() >= at.path("y").asInt() + at.path("h").asInt();
                assertThat(apart).as(panel.path("title").asText() + " overlaps " + other.path("title").asText())
                        .isTrue();
            }
            placed.add(panel);
        });
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Maven runs the test in deploy/local; an IDE may run it from the repository root. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/prometheus/alerts.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("deploy/prometheus/alerts.yml not found above " + Path.of("").toAbsolutePath());
    }
}
