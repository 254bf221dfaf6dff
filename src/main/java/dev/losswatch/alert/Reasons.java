package dev.losswatch.alert;

import java.util.Locale;

/** Number wording shared by the detectors' findings and the lifecycle's reasons. */
final class Reasons {
    private Reasons() {
    }

    /** A loss with four significant digits. */
    static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    /** A fraction as a percentage: 0.234 → "23.4%". */
    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.3g%%", 100 * fraction);
    }

    /** "23.4% above" or "8.10% below" for observed against baseline. */
    static String relative(double observed, double baseline) {
        double change = observed / baseline - 1;
        return percent(Math.abs(change)) + (change >= 0 ? " above" : " below");
    }
}
