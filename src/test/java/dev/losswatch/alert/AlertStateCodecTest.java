package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.losswatch.alert.bench.LossLevel;
import dev.losswatch.events.AlertState;
import dev.losswatch.events.Detector;
import dev.losswatch.events.DriftAlert;

class AlertStateCodecTest {
    private static final AlertSettings SETTINGS = Fixtures.settings(Map.of("alerts.reference.min-duration", "0s"));

    private static Instant time(int index) {
        return Fixtures.at(Duration.ofMillis(200L * index));
    }

    private static List<DriftAlert> feed(DriftMonitor monitor, double[] losses, int from, int to) {
        List<DriftAlert> alerts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            alerts.addAll(monitor.onScored(losses[i], 1.0, time(i), SETTINGS));
        }
        return alerts;
    }

    @Test
    void aMonitoringStateRoundTripsAndBehavesIdentically() {
        double[] losses = Fixtures.simulatedLosses(LossLevel.MEDIUM, 40_000, 31);
        for (int i = 25_000; i < losses.length; i++) {
            losses[i] *= 1.6;
        }
        DriftMonitor original = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0,
                new PreviousVersion("6", 0.65, 1e-6, 20_000));
        feed(original, losses, 0, 25_050);
        byte[] bytes = AlertStateCodec.encode(original);
        DriftMonitor copy = AlertStateCodec.decode(bytes);
        assertThat(AlertStateCodec.encode(copy)).isEqualTo(bytes);
        assertThat(bytes.length).as("bytes of a monitoring state").isLessThan(40_000);

        List<DriftAlert> fromOriginal = feed(original, losses, 25_050, losses.length);
        List<DriftAlert> fromCopy = feed(copy, losses, 25_050, losses.length);
        assertThat(fromCopy).isEqualTo(fromOriginal);
        assertThat(fromOriginal).extracting(DriftAlert::getState).contains(AlertState.FIRING);
        assertThat(copy.state(Detector.SEQUENTIAL)).isEqualTo(original.state(Detector.SEQUENTIAL));
    }

    @Test
    void aLearningStateRoundTripsItsReferencePeriod() {
        double[] losses = Fixtures.simulatedLosses(LossLevel.LOW, 5_000, 32);
        DriftMonitor learning = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null);
        feed(learning, losses, 0, losses.length);
        byte[] bytes = AlertStateCodec.encode(learning);
        DriftMonitor copy = AlertStateCodec.decode(bytes);
        ReferencePeriod original = learning.referencePeriod().orElseThrow();
        ReferencePeriod restored = copy.referencePeriod().orElseThrow();
        assertThat(restored.count()).isEqualTo(5_000);
        assertThat(restored.sample().perEvent().mean()).isEqualTo(original.sample().perEvent().mean());
        assertThat(restored.sample().weighted().variance()).isEqualTo(original.sample().weighted().variance());
        assertThat(restored.sample().upperTail().sortedValues()).containsExactly(original.sample().upperTail().sortedValues());
        assertThat(restored.sample().sketch().toByteArray()).isEqualTo(original.sample().sketch().toByteArray());
        assertThat(restored.lastSeen()).isEqualTo(original.lastSeen());
        assertThat(copy.subject()).isEqualTo(learning.subject());
        assertThat(AlertStateCodec.encode(copy)).isEqualTo(bytes);
    }

    @Test
    void refusesAnotherFormatVersionSayingWhichOne() {
        byte[] bytes = AlertStateCodec.encode(DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null));
        bytes[0] = 9;
        assertThatThrownBy(() -> AlertStateCodec.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format version 9").hasMessageContaining("reads version 1");
    }

    @Test
    void refusesTruncatedOrCorruptStateWithoutThrowingAnythingElse() {
        DriftMonitor monitor = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null);
        feed(monitor, Fixtures.simulatedLosses(LossLevel.MEDIUM, 100, 33), 0, 100);
        byte[] bytes = AlertStateCodec.encode(monitor);
        assertThatThrownBy(() -> AlertStateCodec.decode(Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        byte[] corrupt = bytes.clone();
        Arrays.fill(corrupt, 1, corrupt.length, (byte) 0x7f);
        assertThatThrownBy(() -> AlertStateCodec.decode(corrupt)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("alert state");
        assertThatThrownBy(() -> AlertStateCodec.decode(new byte[0])).hasMessageContaining("empty");
    }
}
