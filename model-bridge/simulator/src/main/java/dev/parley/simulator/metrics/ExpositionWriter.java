package dev.parley.simulator.metrics;

/**
 * Writes the Prometheus text exposition format (version 0.0.4) by hand, because the vLLM metric names carry
 * a colon that Micrometer's naming cannot produce.
 */
final class ExpositionWriter {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder text = new StringBuilder(4096);
    private final String labels;

    /** {@code labelName}/{@code labelValue} are put on every sample, as vLLM puts {@code model_name}. */
    ExpositionWriter(String labelName, String labelValue) {
        this.labels = label(labelName, labelValue);
    }

    void gauge(String name, String help, double value) {
        header(name, "gauge", help);
        sample(name, labels, format(value));
    }

    void counter(String name, String help, long value) {
        header(name, "counter", help);
        sample(name, labels, Long.toString(value));
    }

    /** Opens a counter family whose samples differ by one more label, added with {@link #counterSample}. */
    void counterFamily(String name, String help) {
        header(name, "counter", help);
    }

    void counterSample(String name, String labelName, String labelValue, long value) {
        sample(name, labels + "," + label(labelName, labelValue), Long.toString(value));
    }

    void histogram(String name, String help, Histogram.Snapshot snapshot) {
        header(name, "histogram", help);
        double[] bounds = snapshot.upperBounds();
        for (int i = 0; i < bounds.length; i++) {
            sample(name + "_bucket", labels + "," + label("le", format(bounds[i])), Long.toString(snapshot.cumulativeCounts()[i]));
        }
        sample(name + "_bucket", labels + "," + label("le", "+Inf"), Long.toString(snapshot.count()));
        sample(name + "_sum", labels, format(snapshot.sum()));
        sample(name + "_count", labels, Long.toString(snapshot.count()));
    }

    String text() {
        return text.toString();
    }

    private void header(String name, String type, String help) {
        text.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String sampleLabels, String value) {
        text.append(name).append('{').append(sampleLabels).append("} ").append(value).append('\n');
    }

    private static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }
}
