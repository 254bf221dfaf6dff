package dev.losswatch.runtime;

import dev.losswatch.events.AlertState;
import dev.losswatch.window.WindowId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The figures {@code losswatch demo} shows, read from losswatch's meters exactly as Prometheus would scrape
 * them, and the terminal table they are printed as. Scoring rates are per refresh: call {@link #figures} once
 * per refresh.
 */
final class DemoDashboard {
    /** Clears the terminal and puts the cursor top left (ANSI), so that each table replaces the last. */
    static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";
    private static final String NONE = "-";

    private final MeterRegistry meters;
    private final String windowLabel;
    private final Map<String, Double> scoredAtLastRefresh = new HashMap<>();
    private long lastRefreshNanos;

    /** One model's row. Loss figures are NaN until the first window of the dashboard's size closed. */
    record ModelFigures(String modelId, double scored, double scoredPerSecond, double meanLoss, double p99Loss,
                        double labelCoverage, String alertState) {
    }

    /** Everything shown at one refresh. */
    record Figures(List<ModelFigures> models, double deadLettered, double duplicates, TrafficGenerator.Counts sent) {
    }

    DemoDashboard(MeterRegistry meters, Duration window) {
        this.meters = meters;
        this.windowLabel = WindowId.sizeLabel(window.toMillis());
    }

    Figures figures(TrafficGenerator.Counts sent) {
        long now = System.nanoTime();
        double seconds = lastRefreshNanos == 0 ? Double.NaN : (now - lastRefreshNanos) / 1e9;
        lastRefreshNanos = now;
        List<ModelFigures> models = new ArrayList<>();
        for (DemoModel model : DemoModel.values()) {
            String modelId = model.modelId();
            double scored = sum(meters.find("losswatch.scored").tag("model", modelId).counters());
            Double before = scoredAtLastRefresh.put(modelId, scored);
            double perSecond = before == null ? Double.NaN : (scored - before) / seconds;
            models.add(new ModelFigures(modelId, scored, perSecond,
                    windowGauge("losswatch.window.mean.loss", modelId),
                    windowGauge("losswatch.window.p99.loss", modelId),
                    windowGauge("losswatch.window.label.coverage", modelId),
                    alertState(modelId)));
        }
        return new Figures(models, sum(meters.find("losswatch.dlq").counters()),
                sum(meters.find("losswatch.duplicates").counters()), sent);
    }

    /** The table, starting with the ANSI clear-screen sequence. */
    String render(Figures figures, String status) {
        StringBuilder table = new StringBuilder(CLEAR_SCREEN);
        table.append("losswatch demo  ").append(status).append('\n').append('\n');
        String format = "%-7s %10s %9s %11s %10s %9s  %s%n";
        table.append(String.format(Locale.ROOT, format, "model", "scored", "scored/s",
                "mean loss", "p99 loss", "labelled", "alert"));
        table.append(String.format(Locale.ROOT, format, "", "", "", windowLabel + " window", "", "", ""));
        for (ModelFigures model : figures.models()) {
            table.append(String.format(Locale.ROOT, format, model.modelId(), number(model.scored(), "%.0f"),
                    number(model.scoredPerSecond(), "%.0f"), number(model.meanLoss(), "%.3f"),
                    number(model.p99Loss(), "%.3f"), percent(model.labelCoverage()), model.alertState()));
        }
        TrafficGenerator.Counts sent = figures.sent();
        table.append('\n').append(String.format(Locale.ROOT,
                "sent: %d predictions, %d labels, %d duplicates, %d garbage%s%n", sent.predictions(), sent.labels(),
                sent.duplicates(), sent.garbage(),
                sent.sendFailures() == 0 ? "" : ", " + sent.sendFailures() + " FAILED (see log)"));
        table.append(String.format(Locale.ROOT, "losswatch: %.0f dead-lettered, %.0f duplicates dropped%n",
                figures.deadLettered(), figures.duplicates()));
        return table.toString();
    }

    private double windowGauge(String name, String modelId) {
        Gauge gauge = meters.find(name).tags("model", modelId, "window", windowLabel).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    /** Each detector's state, as {@code detector:STATE}; "-" while the model has no alert gauge. */
    private String alertState(String modelId) {
        Collection<Gauge> gauges = meters.find("losswatch.alert.state").tag("model", modelId).gauges();
        if (gauges.isEmpty()) {
            return NONE;
        }
        StringJoiner states = new StringJoiner(" ");
        for (Gauge gauge : gauges) {
            String detector = gauge.getId().getTag("detector");
            states.add((detector == null ? "" : detector + ":") + stateName(gauge.value()));
        }
        return states.toString();
    }

    /** The gauge's number as the state's name (docs/metrics.md: 0 OK, 1 PENDING, 2 FIRING, 3 RESOLVED). */
    private static String stateName(double value) {
        AlertState[] states = AlertState.values();
        int ordinal = (int) value;
        return ordinal == value && ordinal >= 0 && ordinal < states.length ? states[ordinal].name() : NONE;
    }

    private static double sum(Collection<Counter> counters) {
        return counters.stream().mapToDouble(Counter::count).sum();
    }

    private static String number(double value, String format) {
        return Double.isNaN(value) ? NONE : String.format(Locale.ROOT, format, value);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? NONE : String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }
}
