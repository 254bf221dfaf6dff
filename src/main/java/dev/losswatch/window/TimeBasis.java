package dev.losswatch.window;

import java.util.Locale;

/**
 * Which timestamp places an event in a window. The caller sets it as the record timestamp of each
 * {@link WindowInput}; the windows only carry the name into {@code LossWindow.timeBasis}.
 */
public enum TimeBasis {
    /** When the model predicted: a regression belongs to the moment and the version that made it. */
    PREDICTION,
    /** When the truth became known. */
    LABEL;

    /** The name used in {@code LossWindow.timeBasis} and in the {@code window.time} setting. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TimeBasis fromWireName(String name) {
        for (TimeBasis basis : values()) {
            if (basis.wireName().equals(name)) {
                return basis;
            }
        }
        throw new IllegalArgumentException("time basis '" + name + "' is not one of prediction, label");
    }
}
