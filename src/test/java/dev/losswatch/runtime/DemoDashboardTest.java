package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The demo's dashboard")
class DemoDashboardTest {
    private static final TrafficGenerator.Counts SENT = new TrafficGenerator.Counts(100, 80, 5, 2, 0);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DemoDashboard dashboard = new DemoDashboard(meters, Duration.ofSeconds(10));

    private String row(String table, String modelId) {
        return table.lines().filter(line -> line.startsWith(modelId + " ")).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("shows '-' for figures that do not exist yet: no window closed, no alert stage")
    void showsDashesBeforeTheFirstWindow() {
        String table = dashboard.render(dashboard.figures(SENT), "starting");

        assertThat(table).startsWith(DemoDashboard.CLEAR_SCREEN);
        assertThat(row(table, "churn").split(" +")).containsExactly("churn", "0", "-", "-", "-", "-", "-");
        assertThat(table).contains("sent: 100 predictions, 80 labels, 5 duplicates, 2 garbage\n");
    }

    @Test
    @DisplayName("reads the latest window of its size, the scored count and rate, and each detector's alert state")
    void readsTheMetersOfEachModel() {
        Counter scored = Counter.builder("losswatch.scored").tags("model", "churn", "version", "v3").register(meters);
        gauge("losswatch.window.mean.loss", "10s", 1.3456);
        gauge("losswatch.window.p99.loss", "10s", 6.5);
        gauge("losswatch.window.label.coverage", "10s", 0.5);
        gauge("losswatch.window.mean.loss", "1m", 9.0);
        Gauge.builder("losswatch.alert.state", () -> 2).tags("model", "churn", "version", "v3", "detector", "cusum")
                .register(meters);
        Counter.builder("losswatch.dlq").tag("reason", "MALFORMED").register(meters).increment(3);
        dashboard.figures(SENT);
        scored.increment(40);

        DemoDashboard.Figures figures = dashboard.figures(SENT);
        String table = dashboard.render(figures, "up");

        DemoDashboard.ModelFigures churn = figures.models().get(0);
        assertThat(churn.scored()).isEqualTo(40);
        assertThat(churn.scoredPerSecond()).isPositive();
        assertThat(row(table, "churn")).contains(" 1.346 ", " 6.500 ", " 50% ", "cusum:FIRING");
        assertThat(row(table, "fraud")).endsWith("-");
        assertThat(table).contains("losswatch: 3 dead-lettered, 0 duplicates dropped");
    }

    private void gauge(String name, String window, double value) {
        Gauge.builder(name, () -> value).tags("model", "churn", "version", "v3", "window", window).register(meters);
    }
}
