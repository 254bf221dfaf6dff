package dev.losswatch.alert.bench;

/**
 * The label temperature that changes a simulated model's expected loss by a given fraction, for any
 * fraction within a range: exact at the ends, interpolated over a grid of exactly evaluated temperatures
 * in between (expected loss is smooth and monotone in the temperature).
 */
final class RiseCurve {
    private static final int GRID = 48;

    private final double[] temperatures;
    private final double[] changes;

    private RiseCurve(double[] temperatures, double[] changes) {
        this.temperatures = temperatures;
        this.changes = changes;
    }

    /** Covers relative changes from {@code lowest} to {@code highest} (lowest &lt; 0 needs temperatures above 1). */
    static RiseCurve solve(SimulatedClassifier classifier, double sharpness, double lowest, double highest) {
        double base = classifier.expectedLoss(sharpness, 1.0);
        double coldest = classifier.temperatureForLossFactor(sharpness, 1 + highest);
        double hottest = lowest < 0 ? classifier.temperatureForLossFactor(sharpness, 1 + lowest) : 1.0;
        double[] temperatures = new double[GRID + 1];
        double[] changes = new double[GRID + 1];
        for (int i = 0; i <= GRID; i++) {
            temperatures[i] = coldest + (hottest - coldest) * i / GRID;
            changes[i] = classifier.expectedLoss(sharpness, temperatures[i]) / base - 1;
        }
        return new RiseCurve(temperatures, changes);
    }

    /** The temperature for a relative change; changes decrease along the grid. */
    double temperatureFor(double change) {
        if (change >= changes[0]) {
            return temperatures[0];
        }
        for (int i = 1; i < changes.length; i++) {
            if (change >= changes[i]) {
                double fraction = (change - changes[i]) / (changes[i - 1] - changes[i]);
                return temperatures[i] + fraction * (temperatures[i - 1] - temperatures[i]);
            }
        }
        return temperatures[temperatures.length - 1];
    }
}
