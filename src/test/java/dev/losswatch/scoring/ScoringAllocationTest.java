package dev.losswatch.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.events.Label;
import dev.losswatch.events.LogBase;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.Prediction;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scoring a valid event allocates nothing, counted with the JVM's per-thread allocation counter. A single
 * object per call would show as at least 16 bytes per call; the bound is below one byte per call because
 * the JVM itself allocates a few hundred bytes on the thread, once, while it compiles the code. The JMH
 * benchmark's {@code -prof gc} shows the compiled steady state.
 */
@DisplayName("Scoring a valid event allocates nothing")
class ScoringAllocationTest {
    private static final int CALLS = 20_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Target target = new Target();
    private final ScoreResult result = new ScoreResult();
    private final ScoringSettings smoothed = new ScoringSettings(LogBase.TWO, 1e-15, 0.1);

    @BeforeAll
    static void allocationCountingIsOn() {
        assertThat(THREADS.isThreadAllocatedMemorySupported()).isTrue();
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    @Test
    void logitsWithAClassIndexSmoothingOrASoftTarget() {
        float[] logits = {2.0f, -1.0f, 0.5f, 3e38f, -3e38f};
        float[] soft = {0.1f, 0.2f, 0.3f, 0.2f, 0.2f};
        assertAllocatesNothing(() -> {
            target.setClassIndex(3);
            boolean hard = CrossEntropy.score(OutputType.LOGITS, logits, logits.length, target, smoothed, result);
            target.setDistribution(soft, soft.length);
            return hard && CrossEntropy.score(OutputType.LOGITS, logits, logits.length, target, smoothed, result);
        });
    }

    @Test
    void probabilitiesWithAClassIndexSmoothingOrASoftTarget() {
        float[] probabilities = {0.1f, 0.6f, 0.3f};
        float[] soft = {0.0f, 0.5f, 0.5f};
        assertAllocatesNothing(() -> {
            target.setClassIndex(1);
            boolean hard = CrossEntropy.score(OutputType.PROBABILITIES, probabilities, 3, target, smoothed, result);
            target.setDistribution(soft, soft.length);
            return hard && CrossEntropy.score(OutputType.PROBABILITIES, probabilities, 3, target, smoothed, result);
        });
    }

    @Test
    void binaryAndMultiLabelOutputsWithPositivesInOrderOrNot() {
        float[] logit = {-4.5f};
        float[] probabilities = {0.9f, 0.0f, 1.0f, 0.4f};
        int[] ascending = {0, 2};
        int[] unordered = {2, 0, 2};
        assertAllocatesNothing(() -> {
            target.setClassIndex(1);
            boolean binary = CrossEntropy.score(OutputType.BINARY_LOGIT, logit, 1, target, smoothed, result);
            target.setPositives(ascending, ascending.length);
            boolean inOrder = CrossEntropy.score(OutputType.MULTILABEL_PROBABILITIES, probabilities, 4, target,
                    smoothed, result);
            target.setPositives(unordered, unordered.length);
            return binary && inOrder && CrossEntropy.score(OutputType.MULTILABEL_LOGITS, probabilities, 4, target,
                    smoothed, result);
        });
    }

    @Test
    void decodedAvroEventsThroughTheEventScorer() throws IOException {
        EventScorer scorer = new EventScorer(EventScorer.DEFAULT_MAX_CLASSES);
        Prediction prediction = Prediction.fromByteBuffer(EventScorerTest.prediction(OutputType.LOGITS,
                List.of("cat", "dog", "bird"), 2.0f, 1.0f, 0.1f).toByteBuffer());
        Label byName = Label.fromByteBuffer(EventScorerTest.label().setClassName("bird").build().toByteBuffer());
        Label soft = Label.fromByteBuffer(EventScorerTest.label()
                .setDistribution(EventScorerTest.floats(0.2f, 0.3f, 0.5f)).build().toByteBuffer());
        assertAllocatesNothing(() -> scorer.checkPrediction(prediction, result) && scorer.checkLabel(soft, result)
                && scorer.score(prediction, byName, smoothed, result)
                && scorer.score(prediction, soft, smoothed, result));
    }

    private static void assertAllocatesNothing(BooleanSupplier validScoring) {
        assertThat(validScoring.getAsBoolean()).as("the events are valid").isTrue();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        boolean allValid = true;
        for (int i = 0; i < CALLS; i++) {
            allValid &= validScoring.getAsBoolean();
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

        assertThat(allValid).isTrue();
        assertThat(allocated).as("bytes allocated by %d calls", CALLS).isLessThan(CALLS);
    }
}
