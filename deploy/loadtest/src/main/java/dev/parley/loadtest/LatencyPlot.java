package dev.parley.loadtest;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The run's latency over time (p50, p99 and max of the messages due in each second), with the faults marked. */
final class LatencyPlot {

    private LatencyPlot() {
    }

    static void write(Path png, String title, List<Report.Second> seconds, List<Timeline.Event> events)
            throws IOException {
        XYSeries p50 = new XYSeries("p50");
        XYSeries p99 = new XYSeries("p99");
        XYSeries max = new XYSeries("max");
        XYSeries lost = new XYSeries("unanswered (count)");
        for (Report.Second second : seconds) {
            if (second.answered() > 0) {
                p50.add(second.at(), Math.max(0.1, second.p50Ms()));
                p99.add(second.at(), Math.max(0.1, second.p99Ms()));
                max.add(second.at(), Math.max(0.1, second.maxMs()));
            }
            if (second.unanswered() > 0) {
                lost.add(second.at(), second.unanswered());
            }
        }
        XYSeriesCollection latency = new XYSeriesCollection();
        latency.addSeries(p50);
        latency.addSeries(p99);
        latency.addSeries(max);
        LogAxis ms = new LogAxis("end-to-end latency, ms (log)");
        ms.setSmallestValue(0.1);
        ms.setTickUnit(new NumberTickUnit(1)); // one tick a decade: 1, 10, 100, 1,000 ms
        ms.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
        lines.setSeriesPaint(0, new Color(0x1f77b4));
        lines.setSeriesPaint(1, new Color(0xff7f0e));
        lines.setSeriesPaint(2, new Color(0xd62728));
        XYPlot plot = new XYPlot(latency, new NumberAxis("seconds since start (message due)"), ms, lines);
        if (lost.getItemCount() > 0) {
            plot.setDataset(1, new XYSeriesCollection(lost));
            plot.setRangeAxis(1, new NumberAxis("unanswered messages"));
            plot.mapDatasetToRangeAxis(1, 1);
            XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
            dots.setSeriesPaint(0, Color.BLACK);
            plot.setRenderer(1, dots);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        for (Timeline.Event event : events) {
            ValueMarker marker = new ValueMarker(event.atSeconds, Color.GRAY, new BasicStroke(1.5f));
            marker.setLabel(event.name);
            marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            plot.addDomainMarker(marker);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1400, 700);
    }
}
