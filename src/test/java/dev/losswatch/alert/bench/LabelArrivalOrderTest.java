package dev.losswatch.alert.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;

class LabelArrivalOrderTest {
    private static final StreamGenerator.Timing TIMING = StreamGenerator.Timing.standard();

    @Test
    void releasesEveryLabelOnceInArrivalOrder() {
        Scenario scenario = Scenario.stationary(LossLevel.LOW, 5_000);
        List<SimulatedEvent> arrived = new ArrayList<>();
        new LabelArrivalOrder(new StreamGenerator(scenario, 1, TIMING)).forEachRemaining(arrived::add);
        assertThat(arrived).hasSize(5_000);
        assertThat(arrived).isSortedAccordingTo(Comparator.comparingLong(SimulatedEvent::labelTimeMillis)
                .thenComparingLong(SimulatedEvent::index));
        assertThat(arrived.stream().mapToLong(SimulatedEvent::index).distinct().count()).isEqualTo(5_000);
    }

    @Test
    void aForkKeepsTheLabelsInFlightBeforeTheChangeAndContinuesWithTheOtherStream() {
        Scenario abrupt = Scenario.abrupt(LossLevel.LOW, 1.0, 1_000, 2_000);
        List<SimulatedEvent> whole = new ArrayList<>();
        new LabelArrivalOrder(new StreamGenerator(abrupt, 2, TIMING)).forEachRemaining(whole::add);

        LabelArrivalOrder trunk = new LabelArrivalOrder(new StreamGenerator(Scenario.stationary(LossLevel.LOW, 2_000), 2,
                TIMING));
        long changeTime = TIMING.start().toEpochMilli() + 1_000 * 200L;
        List<SimulatedEvent> forked = new ArrayList<>();
        while (trunk.peekArrivalMillis() < changeTime) {
            forked.add(trunk.next());
        }
        trunk.fork(StreamGenerator.fromChangePoint(abrupt, 2, TIMING), 1_000).forEachRemaining(forked::add);
        assertThat(forked).extracting(SimulatedEvent::index).containsExactlyElementsOf(
                whole.stream().map(SimulatedEvent::index).toList());
        assertThat(forked).extracting(SimulatedEvent::loss).containsExactlyElementsOf(
                whole.stream().map(SimulatedEvent::loss).toList());
    }
}
