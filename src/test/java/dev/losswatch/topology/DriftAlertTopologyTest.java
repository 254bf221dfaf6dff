package dev.losswatch.topology;

import static dev.losswatch.topology.TopologyTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.alert.AlertConfiguration;
import dev.losswatch.events.AlertState;
import dev.losswatch.events.DriftAlert;
import dev.losswatch.events.Label;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** Drift alerts through the whole topology: a calibrated binary model, then a change in the world. */
class DriftAlertTopologyTest {
    private static final int BEFORE = 4_000;
    private static final int AFTER = 4_000;

    /** A short reference period (frozen by 3,000 events, before the change) so the test runs quickly; the rest at defaults. */
    private static TopologySettings settings() {
        TopologySettings settings = TopologyTestBed.inMemory();
        return settings.withWindows(settings.windows().withSizes(List.of(Duration.ofMinutes(1))).withGrace(Duration.ZERO))
                .withAlerts(AlertConfiguration.from(Map.of(
                        "alerts.reference.min-events", "2000", "alerts.reference.min-duration", "0s",
                        "alerts.reference.max-relative-error", "0.05", "alerts.reference.max-events", "3000")));
    }

    /**
     * Sends a calibrated stream (each label drawn from the predicted probability), then one where a share of the
     * labels is flipped ({@code flip} > 0: a regression) or drawn from a sharper truth ({@code flip} < 0: an
     * improvement). Events are 100 ms apart; labels come 1 s after their prediction.
     */
    private static Instant send(TopologyTestBed bed, Random random, double flip) {
        Instant at = T0;
        for (int i = 0; i < BEFORE + AFTER; i++) {
            double logit = random.nextGaussian() * 2;
            double p = 1 / (1 + Math.exp(-logit));
            boolean positive = random.nextDouble() < p;
            if (i >= BEFORE && flip > 0 && random.nextDouble() < flip) {
                positive = !positive;
            } else if (i >= BEFORE && flip < 0 && random.nextDouble() < -flip) {
                positive = p >= 0.5;
            }
            at = T0.plusMillis(100L * i);
            bed.send(Prediction.newBuilder().setPredictionId("p" + i).setModelId("fraud").setModelVersion("v1")
                    .setTimestamp(at).setOutputType(OutputType.BINARY_LOGIT).setScores(List.of((float) logit)).build());
            bed.send(Label.newBuilder().setPredictionId("p" + i).setTimestamp(at.plusSeconds(1))
                    .setClassIndex(positive ? 1 : 0).build());
        }
        return T0.plusMillis(100L * BEFORE);
    }

    private static List<DriftAlert> alerts(TopologyTestBed bed) {
        TestOutputTopic<String, DriftAlert> topic = bed.driver.createOutputTopic(Topics.DEFAULTS.alerts(),
                new StringDeserializer(), bed.serdes.driftAlert().deserializer());
        return topic.readValuesToList();
    }

    @Test
    void aRegressionFiresAfterItBeganOncePerDetectorAndTheAlertIsQueryable() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(settings())) {
            Instant change = send(bed, new Random(3), 0.30);

            List<DriftAlert> alerts = alerts(bed);
            List<DriftAlert> firing = alerts.stream().filter(a -> a.getState() == AlertState.FIRING).toList();
            assertThat(firing).isNotEmpty();
            assertThat(alerts).allSatisfy(alert -> assertThat(alert.getTimestamp()).isAfter(change));
            assertThat(firing.stream().map(DriftAlert::getDetector).distinct().count()).isEqualTo(firing.size());
            DriftAlert first = firing.get(0);
            assertThat(first.getObserved()).isGreaterThan(first.getBaseline());
            assertThat(first.getReason()).contains("fraud");
            KeyValueStore<String, DriftAlert> states = bed.driver.getKeyValueStore(DetectDrift.STATES_STORE);
            assertThat(states.get("fraud|v1|||" + first.getDetector().name()).getState()).isEqualTo(AlertState.FIRING);
            assertThat(bed.meters.find("losswatch.alert.state").tags("model", "fraud", "detector", first.getDetector().name())
                    .gauge().value()).isEqualTo(AlertState.FIRING.ordinal());
        }
    }

    @Test
    void anImprovementAndAStationaryStreamRaiseNoAlert() throws Exception {
        try (TopologyTestBed bed = new TopologyTestBed(settings())) {
            send(bed, new Random(5), -0.5);

            assertThat(alerts(bed)).isEmpty();
            assertThat(bed.meters.find("losswatch.alert.state").tags("model", "fraud").gauges())
                    .allSatisfy(gauge -> assertThat(gauge.value()).isZero());
        }
    }
}
