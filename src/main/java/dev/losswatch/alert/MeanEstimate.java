package dev.losswatch.alert;

/** A mean loss with its sampling precision: what a window is tested against. */
public interface MeanEstimate {
    double mean();

    /** Sampling variance of {@link #mean()}; 0 when the mean is taken as exact. */
    double varianceOfMean();

    /** Effective number of events behind the mean; infinite when it is taken as exact. */
    double effectiveCount();
}
