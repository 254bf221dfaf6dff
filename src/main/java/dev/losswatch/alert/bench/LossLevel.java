package dev.losswatch.alert.bench;

/**
 * The loss levels the benchmark simulates: calibrated classifiers whose mean cross-entropy is about
 * 0.05 (a very accurate model: most losses near 0, rare large ones), 0.7 and 2.5. A calibrated C-class
 * model cannot exceed ln C, so the 2.5 level has 100 classes.
 */
public enum LossLevel {
    LOW(10, 0.05),
    MEDIUM(10, 0.7),
    HIGH(100, 2.5);

    private final int classes;
    private final double meanLoss;

    LossLevel(int classes, double meanLoss) {
        this.classes = classes;
        this.meanLoss = meanLoss;
    }

    public int classes() {
        return classes;
    }

    /** The calibrated mean loss this level is solved for. */
    public double meanLoss() {
        return meanLoss;
    }
}
