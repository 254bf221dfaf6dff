package dev.losswatch.scoring;

import dev.losswatch.events.OutputType;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Nanoseconds per event of {@link CrossEntropy#score} for {@code LOGITS} with a class index, beside a floor
 * that only sums {@code Math.exp} over the same logits: the exponentials any softmax needs, so the gap
 * between the two is what exactness and the companions (validation, argmax, confidence) cost.
 *
 * <p>The floor exponentiates the logits less their maximum (found once, in set-up), as a stable softmax
 * does and as {@code score} does: {@code Math.exp} of positive arguments measured about twice as
 * slow on this JDK and machine, which would make the floor slower than the real thing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CrossEntropyBenchmark {
    @Param({"2", "10", "1000", "32000"})
    int classes;

    private float[] logits;
    private float maxLogit;
    private final Target target = new Target();
    private final ScoreResult result = new ScoreResult();

    @Setup
    public void makeLogits() {
        SplittableRandom random = new SplittableRandom(42);
        logits = new float[classes];
        for (int i = 0; i < classes; i++) {
            logits[i] = (float) (3.0 * random.nextGaussian());
        }
        maxLogit = logits[0];
        for (float logit : logits) {
            maxLogit = Math.max(maxLogit, logit);
        }
        target.setClassIndex(classes / 2);
    }

    @Benchmark
    public double score() {
        if (!CrossEntropy.score(OutputType.LOGITS, logits, classes, target, ScoringSettings.DEFAULTS, result)) {
            throw new IllegalStateException(result.invalidReason());
        }
        return result.loss();
    }

    @Benchmark
    public double expSumFloor() {
        double sum = 0.0;
        for (int i = 0; i < classes; i++) {
            sum += Math.exp(logits[i] - maxLogit);
        }
        return sum;
    }
}
