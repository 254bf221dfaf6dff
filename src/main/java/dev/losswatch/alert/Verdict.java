package dev.losswatch.alert;

/** What one evaluation of a detector says about a regression. */
public enum Verdict {
    /** The loss has risen materially and significantly above the baseline. */
    BREACH,
    /** The loss is clearly back near the baseline (below half the material rise). */
    CLEAR,
    /** Neither: too little data, or a rise between half the material rise and the firing point. */
    INCONCLUSIVE
}
