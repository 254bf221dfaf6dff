package dev.losswatch.topology;

import java.util.List;

/**
 * Which prediction attributes windows and alerts are sliced by, and how many distinct values each keeps per
 * model before later values are folded into {@link #OTHER}.
 */
public record SliceSettings(List<String> attributes, int maxValuesPerAttribute) {
    public static final String OTHER = "other";
    public static final SliceSettings NONE = new SliceSettings(List.of(), 100);

    public SliceSettings {
        attributes = List.copyOf(attributes);
        if (maxValuesPerAttribute < 1) {
            throw new IllegalArgumentException("slice.max-values must be at least 1, was " + maxValuesPerAttribute);
        }
    }
}
