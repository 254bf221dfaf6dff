package dev.losswatch.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.management.ThreadMXBean;
import dev.losswatch.events.LogBase;
import dev.losswatch.events.LossWindow;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class LossAggregateTest {
    /** One scored event as the aggregate sees it. */
    private record Event(double loss, double weight, boolean correct, double confidence) {
        void addTo(LossAggregate aggregate) {
            aggregate.add(loss, weight, correct, confidence);
        }
    }

    private static List<Event> randomEvents(long seed, int count) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // cross-entropy-like: mostly below 1, a long tail of confidently wrong predictions
            double loss = -Math.log(1e-6 + random.nextDouble() * (1 - 1e-6)) * (random.nextInt(10) == 0 ? 8 : 0.7);
            events.add(new Event(loss, 0.1 + 3 * random.nextDouble(), random.nextBoolean(), random.nextDouble()));
        }
        return events;
    }

    private static LossAggregate onePass(List<Event> events) {
        LossAggregate aggregate = new LossAggregate();
        events.forEach(event -> event.addTo(aggregate));
        return aggregate;
    }

    private static double exactSum(List<Event> events, boolean weightedLoss) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Event event : events) {
            sum = sum.add(new BigDecimal(weightedLoss ? event.weight() * event.loss() : event.weight()));
        }
        return sum.doubleValue();
    }

    private static double exactMean(List<Event> events) {
        BigDecimal lossSum = BigDecimal.ZERO;
        BigDecimal weightSum = BigDecimal.ZERO;
        for (Event event : events) {
            lossSum = lossSum.add(new BigDecimal(event.weight() * event.loss()));
            weightSum = weightSum.add(new BigDecimal(event.weight()));
        }
        return lossSum.divide(weightSum, MathContext.DECIMAL128).doubleValue();
    }

    private static double twoPassVariance(List<Event> events, double mean) {
        double weighted = 0;
        double weights = 0;
        for (Event event : events) {
            double deviation = event.loss() - mean;
            weighted += event.weight() * deviation * deviation;
            weights += event.weight();
        }
        return weighted / weights;
    }

    private static double trueRank(double[] sorted, double value) {
        int atOrBelow = 0;
        while (atOrBelow < sorted.length && sorted[atOrBelow] <= value) {
            atOrBelow++;
        }
        return (double) atOrBelow / sorted.length;
    }

    @Test
    void meanStandardDeviationMinimumAndMaximumMatchADirectComputation() {
        List<Event> events = randomEvents(1, 20_000);
        LossAggregate aggregate = onePass(events);

        double mean = exactMean(events);
        assertThat(aggregate.count()).isEqualTo(events.size());
        assertThat(aggregate.weightedLossSum()).isCloseTo(exactSum(events, true), within(Math.ulp(exactSum(events, true))));
        assertThat(aggregate.weightSum()).isCloseTo(exactSum(events, false), within(Math.ulp(exactSum(events, false))));
        assertThat(aggregate.meanLoss()).isCloseTo(mean, within(2 * Math.ulp(mean)));
        double variance = twoPassVariance(events, mean);
        assertThat(aggregate.lossVariance()).isCloseTo(variance, within(1e-12 * variance));
        assertThat(aggregate.lossStdDev()).isCloseTo(Math.sqrt(variance), within(1e-12 * Math.sqrt(variance)));
        assertThat(aggregate.minLoss()).isEqualTo(events.stream().mapToDouble(Event::loss).min().orElseThrow());
        assertThat(aggregate.maxLoss()).isEqualTo(events.stream().mapToDouble(Event::loss).max().orElseThrow());
    }

    @Test
    void accuracyAndMeanConfidenceAreWeightedShares() {
        LossAggregate aggregate = new LossAggregate();
        aggregate.add(0.1, 3.0, true, 0.9);
        aggregate.add(2.0, 1.0, false, 0.5);

        assertThat(aggregate.accuracy()).isEqualTo(0.75);
        assertThat(aggregate.meanConfidence()).isCloseTo((3 * 0.9 + 0.5) / 4, within(1e-15));
        assertThat(aggregate.meanLoss()).isCloseTo((3 * 0.1 + 2.0) / 4, within(1e-15));
    }

    @Test
    void quantilesAreWithinTheSketchRankError() {
        List<Event> events = randomEvents(2, 100_000);
        LossAggregate aggregate = onePass(events);
        double[] sorted = events.stream().mapToDouble(Event::loss).sorted().toArray();

        for (double rank : new double[] {0.5, 0.9, 0.99}) {
            double quantile = aggregate.lossQuantile(rank);
            assertThat(trueRank(sorted, quantile)).as("true rank of the p%s estimate", rank * 100)
                    .isCloseTo(rank, within(aggregate.quantileRankError()));
        }
    }

    @Test
    void quantilesOfFewerEventsThanTheSketchHoldsAreExact() {
        LossAggregate aggregate = new LossAggregate();
        for (int loss = 1; loss <= 9; loss++) {
            aggregate.add(loss, 1.0, true, 1.0);
        }

        assertThat(aggregate.lossQuantile(0.5)).isEqualTo(5.0);
        assertThat(aggregate.lossQuantile(0.9)).isEqualTo(9.0);
        assertThat(aggregate.lossQuantile(0.0)).isEqualTo(1.0);
    }

    @Test
    void mergingPartsInAnyOrderEqualsOnePass() {
        List<Event> events = randomEvents(3, 50_000);
        LossAggregate onePass = onePass(events);
        Random random = new Random(3);
        List<LossAggregate> parts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            parts.add(new LossAggregate());
        }
        events.forEach(event -> event.addTo(parts.get(random.nextInt(parts.size()))));
        Collections.shuffle(parts, random);

        LossAggregate merged = new LossAggregate();
        parts.forEach(merged::merge);

        assertSameAggregate(merged, onePass);
        double[] sorted = events.stream().mapToDouble(Event::loss).sorted().toArray();
        for (double rank : new double[] {0.5, 0.9, 0.99}) {
            assertThat(trueRank(sorted, merged.lossQuantile(rank))).isCloseTo(rank, within(merged.quantileRankError()));
        }
    }

    @Test
    void aggregatingPerModelAndShardThenPerModelEqualsAggregatingPerModel() {
        List<Event> events = randomEvents(4, 30_000);
        int shards = 5;
        Map<String, LossAggregate> oneStage = new HashMap<>();
        Map<String, LossAggregate[]> firstStage = new HashMap<>();
        Map<String, List<Event>> perModel = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            String model = "model-" + (i % 3);
            Event event = events.get(i);
            event.addTo(oneStage.computeIfAbsent(model, m -> new LossAggregate()));
            LossAggregate[] byShard = firstStage.computeIfAbsent(model, m -> new LossAggregate[shards]);
            int shard = (i * 7919) % shards;
            if (byShard[shard] == null) {
                byShard[shard] = new LossAggregate();
            }
            event.addTo(byShard[shard]);
            perModel.computeIfAbsent(model, m -> new ArrayList<>()).add(event);
        }

        for (String model : oneStage.keySet()) {
            LossAggregate secondStage = new LossAggregate();
            LossAggregate[] byShard = firstStage.get(model);
            for (int shard = shards - 1; shard >= 0; shard--) {
                secondStage.merge(byShard[shard]);
            }
            double exact = exactSum(perModel.get(model), true);
            assertThat(secondStage.count()).isEqualTo(oneStage.get(model).count());
            assertThat(secondStage.weightedLossSum()).isCloseTo(exact, within(Math.ulp(exact)));
            assertThat(oneStage.get(model).weightedLossSum()).isCloseTo(exact, within(Math.ulp(exact)));
            assertSameAggregate(secondStage, oneStage.get(model));
        }
    }

    @Test
    void compensatedLossSumDoesNotDependOnTheOrderOfWildlyDifferentTerms() {
        Random random = new Random(5);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            events.add(new Event(Math.pow(10, -10 + 20 * random.nextDouble()), 1.0, false, 0.5));
        }
        double exact = exactSum(events, true);

        for (int shuffle = 0; shuffle < 20; shuffle++) {
            Collections.shuffle(events, random);
            assertThat(onePass(events).weightedLossSum()).isCloseTo(exact, within(Math.ulp(exact)));
        }
    }

    @Test
    void labelCoverageIsTheShareOfSeenPredictionsThatWereScored() {
        LossAggregate aggregate = new LossAggregate();
        for (int i = 0; i < 4; i++) {
            aggregate.addPrediction();
        }
        aggregate.add(0.3, 1.0, true, 0.8);

        assertThat(aggregate.predictionCount()).isEqualTo(4);
        assertThat(aggregate.labelCoverage()).isEqualTo(0.25);
    }

    @Test
    void statisticsOfNoEventsAreUndefinedRatherThanZero() {
        LossAggregate aggregate = new LossAggregate();
        aggregate.addPrediction();

        assertThat(aggregate.meanLoss()).isNaN();
        assertThat(aggregate.lossStdDev()).isNaN();
        assertThat(aggregate.minLoss()).isNaN();
        assertThat(aggregate.maxLoss()).isNaN();
        assertThat(aggregate.lossQuantile(0.5)).isNaN();
        assertThat(aggregate.accuracy()).isNaN();
        assertThat(aggregate.labelCoverage()).isZero();
        assertThat(new LossAggregate().labelCoverage()).as("coverage without predictions seen").isNaN();
    }

    @Test
    void toLossWindowFillsEveryField() {
        LossAggregate aggregate = new LossAggregate();
        aggregate.addPrediction();
        aggregate.addPrediction();
        aggregate.add(0.5, 2.0, true, 0.75);
        WindowId window = new WindowId(new WindowKey("churn", "v3", "region", "eu"), 60_000, 1_800_000_000_000L);

        LossWindow lossWindow = aggregate.toLossWindow(window, TimeBasis.LABEL, LogBase.TWO, true);

        assertThat(lossWindow.getModelId()).isEqualTo("churn");
        assertThat(lossWindow.getModelVersion()).isEqualTo("v3");
        assertThat(lossWindow.getSliceKey()).isEqualTo("region");
        assertThat(lossWindow.getSliceValue()).isEqualTo("eu");
        assertThat(lossWindow.getWindowSizeMs()).isEqualTo(60_000);
        assertThat(lossWindow.getWindowStart()).isEqualTo(Instant.ofEpochMilli(1_800_000_000_000L));
        assertThat(lossWindow.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(1_800_000_060_000L));
        assertThat(lossWindow.getTimeBasis()).isEqualTo("label");
        assertThat(lossWindow.getCount()).isEqualTo(1);
        assertThat(lossWindow.getWeightSum()).isEqualTo(2.0);
        assertThat(lossWindow.getMeanLoss()).isEqualTo(0.5);
        assertThat(lossWindow.getStdDevLoss()).isZero();
        assertThat(lossWindow.getMinLoss()).isEqualTo(0.5);
        assertThat(lossWindow.getMaxLoss()).isEqualTo(0.5);
        assertThat(lossWindow.getP50Loss()).isEqualTo(0.5);
        assertThat(lossWindow.getP90Loss()).isEqualTo(0.5);
        assertThat(lossWindow.getP99Loss()).isEqualTo(0.5);
        assertThat(lossWindow.getAccuracy()).isEqualTo(1.0);
        assertThat(lossWindow.getMeanConfidence()).isEqualTo(0.75);
        assertThat(lossWindow.getPredictionCount()).isEqualTo(2);
        assertThat(lossWindow.getLabelCoverage()).isEqualTo(0.5);
        assertThat(lossWindow.getLogBase()).isEqualTo(LogBase.TWO);
        assertThat(lossWindow.getFinal$()).isTrue();
    }

    @Test
    void serdeRoundTripKeepsEveryStatisticAndTheSketch() {
        LossAggregate original = onePass(randomEvents(6, 5_000));
        original.addPrediction();
        LossAggregateSerde serde = new LossAggregateSerde();

        byte[] bytes = serde.serializer().serialize("topic", original);
        LossAggregate copy = serde.deserializer().deserialize("topic", bytes);

        assertSameAggregate(copy, original);
        assertThat(copy.weightedLossSum()).isEqualTo(original.weightedLossSum());
        assertThat(copy.lossQuantile(0.9)).isEqualTo(original.lossQuantile(0.9));
        assertThat(copy.sketchK()).isEqualTo(original.sketchK());
        assertThat(serde.serializer().serialize("topic", null)).isNull();
        assertThat(serde.deserializer().deserialize("topic", null)).isNull();
    }

    @Test
    void deserializingBadBytesSaysWhatIsWrong() {
        byte[] valid = onePass(randomEvents(7, 10)).toBytes();
        byte[] otherVersion = valid.clone();
        otherVersion[0] = 9;
        byte[] countMismatch = valid.clone();
        countMismatch[8] = 11;

        assertThatThrownBy(() -> LossAggregate.fromBytes(otherVersion))
                .isInstanceOf(SerializationException.class).hasMessageContaining("format version 9");
        assertThatThrownBy(() -> LossAggregate.fromBytes(Arrays.copyOf(valid, 20)))
                .isInstanceOf(SerializationException.class).hasMessage("LossAggregate: 20 bytes are fewer than the 113 it needs at least");
        assertThatThrownBy(() -> LossAggregate.fromBytes(countMismatch))
                .isInstanceOf(SerializationException.class).hasMessageContaining("holds 10 losses but count is 11");
    }

    @Test
    void addRejectsValuesThatWouldPoisonTheSums() {
        LossAggregate aggregate = new LossAggregate();

        assertThatThrownBy(() -> aggregate.add(Double.NaN, 1, true, 0.5)).hasMessage("loss must be finite, got NaN");
        assertThatThrownBy(() -> aggregate.add(0.1, 0, true, 0.5)).hasMessage("weight must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> aggregate.add(0.1, 1, true, 1.5)).hasMessage("confidence must be in [0, 1], got 1.5");
        assertThat(aggregate.count()).isZero();
    }

    @Test
    void addingEventsAllocatesNothingBeyondTheSketchsRareGrowth() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        LossAggregate aggregate = new LossAggregate();
        Random random = new Random(8);
        double[] losses = new double[1024];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = random.nextDouble() * 3;
        }
        for (int i = 0; i < 200_000; i++) {
            aggregate.add(losses[i & 1023], 1.0, (i & 1) == 0, 0.5);
        }

        int events = 1_000_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < events; i++) {
            aggregate.add(losses[i & 1023], 1.0, (i & 1) == 0, 0.5);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by %d adds", events).isLessThan(events / 4);
    }

    private static void assertSameAggregate(LossAggregate actual, LossAggregate expected) {
        assertThat(actual.count()).isEqualTo(expected.count());
        assertThat(actual.predictionCount()).isEqualTo(expected.predictionCount());
        assertThat(actual.weightSum()).isCloseTo(expected.weightSum(), within(Math.ulp(expected.weightSum())));
        assertThat(actual.weightedLossSum()).isCloseTo(expected.weightedLossSum(),
                within(Math.ulp(expected.weightedLossSum())));
        assertThat(actual.meanLoss()).isCloseTo(expected.meanLoss(), within(2 * Math.ulp(expected.meanLoss())));
        assertThat(actual.lossVariance()).isCloseTo(expected.lossVariance(), within(1e-12 * expected.lossVariance()));
        assertThat(actual.minLoss()).isEqualTo(expected.minLoss());
        assertThat(actual.maxLoss()).isEqualTo(expected.maxLoss());
        assertThat(actual.accuracy()).isCloseTo(expected.accuracy(), within(2 * Math.ulp(expected.accuracy())));
        assertThat(actual.meanConfidence()).isCloseTo(expected.meanConfidence(),
                within(2 * Math.ulp(expected.meanConfidence())));
    }
}
