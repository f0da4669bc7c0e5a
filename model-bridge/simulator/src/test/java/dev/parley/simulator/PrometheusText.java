package dev.parley.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a Prometheus text exposition in tests, strictly enough that a malformed one fails the test. */
public final class PrometheusText {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") \\S.*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");

    private PrometheusText() {
    }

    /**
     * Checks the exposition and returns every sample's value keyed by the sample as written, for example
     * {@code vllm:num_requests_running{model_name="m"}}. Checked: every line parses, every sample follows its
     * family's HELP and TYPE, and every histogram's buckets are cumulative and end in {@code +Inf} equal to its count.
     */
    public static Map<String, Double> samples(String exposition) {
        assertThat(exposition).endsWith("\n");
        Map<String, Double> samples = new LinkedHashMap<>();
        Set<String> families = new HashSet<>();
        String helpFor = null;
        String family = null;
        String type = null;
        List<Double> buckets = new ArrayList<>();
        String lastLe = null;
        for (String line : exposition.split("\n")) {
            Matcher help = HELP.matcher(line);
            Matcher typeLine = TYPE.matcher(line);
            Matcher sample = SAMPLE.matcher(line);
            if (help.matches()) {
                helpFor = help.group(1);
            } else if (typeLine.matches()) {
                assertThat(typeLine.group(1)).as("TYPE follows the HELP of the same family").isEqualTo(helpFor);
                assertThat(families.add(typeLine.group(1))).as("family %s declared once", typeLine.group(1)).isTrue();
                family = typeLine.group(1);
                type = typeLine.group(2);
                buckets.clear();
                lastLe = null;
            } else if (sample.matches()) {
                String name = sample.group(1);
                Map<String, String> labels = labels(sample.group(2) == null ? "" : sample.group(2), line);
                double value = value(sample.group(3), line);
                if ("histogram".equals(type)) {
                    assertThat(name).as(line).isIn(family + "_bucket", family + "_sum", family + "_count");
                    if (name.endsWith("_bucket")) {
                        assertThat(labels).as(line).containsKey("le");
                        if (!buckets.isEmpty()) {
                            assertThat(value).as("buckets are cumulative: " + line).isGreaterThanOrEqualTo(buckets.getLast());
                        }
                        buckets.add(value);
                        lastLe = labels.get("le");
                    } else if (name.endsWith("_count")) {
                        assertThat(lastLe).as("the last bucket of " + family).isEqualTo("+Inf");
                        assertThat(value).as("+Inf bucket equals count of " + family).isEqualTo(buckets.getLast());
                    }
                } else {
                    assertThat(name).as("sample follows its own TYPE line: " + line).isEqualTo(family);
                }
                assertThat(samples.put(name + "{" + (sample.group(2) == null ? "" : sample.group(2)) + "}", value))
                        .as("sample written once: " + line).isNull();
            } else {
                fail("not a valid exposition line: '%s'", line);
            }
        }
        return samples;
    }

    private static Map<String, String> labels(String text, String line) {
        Map<String, String> labels = new LinkedHashMap<>();
        Matcher label = LABEL.matcher(text);
        int end = 0;
        while (label.find() && label.start() == end) {
            labels.put(label.group(1), label.group(2));
            end = label.end();
        }
        assertThat(end).as("labels parse completely: " + line).isEqualTo(text.length());
        return labels;
    }

    private static double value(String text, String line) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new AssertionError("not a sample value: " + line, e);
                }
            }
        };
    }
}
