package dev.losswatch.alert;

/**
 * The baseline of the version a new model version replaced, kept so the new version's baseline can be
 * compared with it when it freezes.
 */
public record PreviousVersion(String version, double mean, double varianceOfMean, double effectiveCount)
        implements MeanEstimate {

    public PreviousVersion {
        if (version == null || !(mean > 0) || !(varianceOfMean >= 0) || !(effectiveCount > 1)) {
            throw new IllegalArgumentException("previous version needs a name, a positive mean, a variance and more than"
                    + " one event: version=" + version + ", mean=" + mean + ", varianceOfMean=" + varianceOfMean
                    + ", effectiveCount=" + effectiveCount);
        }
    }

    public static PreviousVersion of(String version, Baseline baseline) {
        return new PreviousVersion(version, baseline.mean(), baseline.varianceOfMean(), baseline.effectiveCount());
    }
}
