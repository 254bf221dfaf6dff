package dev.losswatch.alert.bench;

import java.util.SplittableRandom;

/**
 * A simulated C-class classifier whose logits are {@code sharpness · g} with g standard normal per class,
 * and whose labels are drawn from its own softmax, optionally tempered: with label temperature τ the
 * true class is drawn from q ∝ softmax(z)^τ.
 *
 * <p>At τ = 1 the model is calibrated by construction (the label is sampled from the predicted
 * distribution) and its expected cross-entropy is the mean entropy of its predictions; sharpness sets
 * that level. τ &lt; 1 makes the world noisier than the model believes (an overconfident model, the
 * usual shape of a regression under drift); τ &gt; 1 the opposite.
 */
public final class SimulatedClassifier {
    /** Size of the fixed Monte Carlo sample on which expected losses are solved. */
    private static final int SOLVE_SAMPLE = 20_000;
    private static final long SOLVE_SEED = 0x5EEDL;

    private final int classes;
    private double[][] solvingSample;

    public SimulatedClassifier(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        this.classes = classes;
    }

    public int classes() {
        return classes;
    }

    /**
     * Draws one prediction of the given sharpness into {@code logits} and its true class from
     * softmax(logits)^temperature; returns the class. {@code scratch} (length ≥ classes) is working space.
     */
    public int draw(SplittableRandom random, double sharpness, double temperature, float[] logits, double[] scratch) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < classes; i++) {
            logits[i] = (float) (sharpness * random.nextGaussian());
            max = Math.max(max, logits[i]);
        }
        double total = 0;
        for (int i = 0; i < classes; i++) {
            scratch[i] = Math.exp(temperature * (logits[i] - max));
            total += scratch[i];
        }
        double u = random.nextDouble() * total;
        double running = 0;
        for (int i = 0; i < classes - 1; i++) {
            running += scratch[i];
            if (u < running) {
                return i;
            }
        }
        return classes - 1;
    }

    /**
     * Expected cross-entropy over the fixed solving sample when predictions have {@code sharpness} and
     * labels are drawn with {@code temperature}: E_g[Σ_i q_i · (−ln p_i)], exact given each g.
     */
    public double expectedLoss(double sharpness, double temperature) {
        double[][] sample = solvingSample();
        double total = 0;
        double[] logProbabilities = new double[classes];
        for (double[] standard : sample) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < classes; i++) {
                max = Math.max(max, standard[i]);
            }
            double sum = 0;
            for (int i = 0; i < classes; i++) {
                sum += Math.exp(sharpness * (standard[i] - max));
            }
            double logSum = Math.log(sum);
            double qTotal = 0;
            double weighted = 0;
            for (int i = 0; i < classes; i++) {
                logProbabilities[i] = sharpness * (standard[i] - max) - logSum;
                double q = Math.exp(temperature * logProbabilities[i]);
                qTotal += q;
                weighted -= q * logProbabilities[i];
            }
            total += weighted / qTotal;
        }
        return total / sample.length;
    }

    /** The sharpness whose calibrated expected loss is {@code meanLoss} (bisection; loss falls as sharpness grows). */
    public double sharpnessForMeanLoss(double meanLoss) {
        if (!(meanLoss > 0 && meanLoss < Math.log(classes))) {
            throw new IllegalArgumentException("a calibrated " + classes + "-class model has mean loss in (0, ln "
                    + classes + " = " + Math.log(classes) + "), asked for " + meanLoss);
        }
        double low = 1e-3;
        double high = 1.0;
        while (expectedLoss(high, 1.0) > meanLoss) {
            low = high;
            high *= 2;
        }
        for (int i = 0; i < 60 && high - low > 1e-9 * high; i++) {
            double middle = 0.5 * (low + high);
            if (expectedLoss(middle, 1.0) > meanLoss) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return 0.5 * (low + high);
    }

    /** The label temperature at which the expected loss is {@code factor} times the calibrated one. */
    public double temperatureForLossFactor(double sharpness, double factor) {
        double target = expectedLoss(sharpness, 1.0) * factor;
        double low = factor > 1 ? 0.0 : 1.0;
        double high = factor > 1 ? 1.0 : 2.0;
        if (factor < 1) {
            while (expectedLoss(sharpness, high) > target) {
                low = high;
                high *= 2;
                if (high > 1e4) {
                    throw new IllegalArgumentException("label tempering cannot lower the loss of this model by a factor "
                            + factor + "; the floor is the loss of always labelling the top class");
                }
            }
        }
        // expected loss decreases in the temperature
        for (int i = 0; i < 60 && high - low > 1e-10; i++) {
            double middle = 0.5 * (low + high);
            if (expectedLoss(sharpness, middle) > target) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return 0.5 * (low + high);
    }

    private double[][] solvingSample() {
        if (solvingSample != null) {
            return solvingSample;
        }
        double[][] sample = new double[SOLVE_SAMPLE][classes];
        SplittableRandom random = new SplittableRandom(SOLVE_SEED);
        for (double[] row : sample) {
            for (int i = 0; i < classes; i++) {
                row[i] = random.nextGaussian();
            }
        }
        solvingSample = sample;
        return sample;
    }
}
