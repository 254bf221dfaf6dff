package dev.losswatch.scoring;

import dev.losswatch.events.LogBase;
import java.util.Objects;

/**
 * How losses are computed: the logarithm they are expressed in, the floor that probabilities are clipped
 * to before taking their logarithm, and the label smoothing applied to class-index targets of
 * {@code LOGITS} and {@code PROBABILITIES} outputs.
 *
 * <p>Any values are accepted here so that a per-event source of settings (the conformance vectors, the
 * {@code score} command) gets an ordinary invalid result from {@link CrossEntropy#score}; configuration
 * code calls {@link #requireValid()} to fail at start-up instead.
 */
public record ScoringSettings(LogBase logBase, double epsilon, double labelSmoothing) {
    public static final ScoringSettings DEFAULTS = new ScoringSettings(LogBase.E, 1e-15, 0.0);

    public ScoringSettings {
        Objects.requireNonNull(logBase, "logBase");
    }

    boolean labelSmoothingInRange() {
        return labelSmoothing >= 0.0 && labelSmoothing < 1.0;
    }

    boolean epsilonInRange() {
        return epsilon > 0.0 && epsilon < 1.0;
    }

    /**
     * Returns these settings when every value is in range.
     *
     * @throws IllegalArgumentException naming the setting that is out of range and its value
     */
    public ScoringSettings requireValid() {
        ScoreResult problem = new ScoreResult();
        if (!CrossEntropy.checkSettings(this, problem)) {
            throw new IllegalArgumentException(problem.invalidReason());
        }
        return this;
    }
}
