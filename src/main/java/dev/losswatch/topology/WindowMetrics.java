package dev.losswatch.topology;

import dev.losswatch.events.LossWindow;
import dev.losswatch.window.WindowId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest closed window of each model version and size, as gauges: what a dashboard shows as "the loss
 * now". Only final whole-model windows move them, so a gauge never shows a half-filled window.
 */
final class WindowMetrics {
    private final MeterRegistry meters;
    private final Map<Tags, LatestWindow> latest = new ConcurrentHashMap<>();

    WindowMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Values the gauges read; written by the stream thread, read by the scraper. */
    private static final class LatestWindow {
        volatile double meanLoss = Double.NaN;
        volatile double p99Loss = Double.NaN;
        volatile double labelCoverage = Double.NaN;
    }

    void record(LossWindow window) {
        if (!window.getFinal$() || !window.getSliceKey().isEmpty()) {
            return;
        }
        Tags tags = Tags.of("model", window.getModelId(), "version", window.getModelVersion(),
                "window", WindowId.sizeLabel(window.getWindowSizeMs()));
        LatestWindow values = latest.computeIfAbsent(tags, this::register);
        values.meanLoss = window.getMeanLoss();
        values.p99Loss = window.getP99Loss();
        values.labelCoverage = window.getLabelCoverage();
    }

    private LatestWindow register(Tags tags) {
        LatestWindow values = new LatestWindow();
        Gauge.builder("losswatch.window.mean.loss", values, v -> v.meanLoss).tags(tags)
                .description("Weighted mean loss of the latest closed window").register(meters);
        Gauge.builder("losswatch.window.p99.loss", values, v -> v.p99Loss).tags(tags)
                .description("p99 loss of the latest closed window").register(meters);
        Gauge.builder("losswatch.window.label.coverage", values, v -> v.labelCoverage).tags(tags)
                .description("Labelled / predicted in the latest closed window").register(meters);
        return values;
    }
}
