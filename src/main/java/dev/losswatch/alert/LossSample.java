package dev.losswatch.alert;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * What a reference period learns from its losses and a baseline keeps: weighted and per-event moments, a
 * KLL quantile sketch and the exact largest losses.
 *
 * @param weighted  importance-weighted moments, for the window test (windows are weighted means)
 * @param perEvent  one observation per labelled event, for the sequential detector
 * @param sketch    per-event losses (KLL, k = {@value #SKETCH_K})
 * @param upperTail the largest per-event losses, exactly
 */
record LossSample(LossMoments weighted, LossMoments perEvent, KllDoublesSketch sketch, UpperTail upperTail) {
    static final int SKETCH_K = 400;

    static LossSample empty() {
        return new LossSample(new LossMoments(), new LossMoments(), KllDoublesSketch.newHeapInstance(SKETCH_K),
                new UpperTail());
    }

    void add(double loss, double weight) {
        weighted.add(loss, weight);
        perEvent.add(loss);
        sketch.update(loss);
        upperTail.add(loss);
    }

    /** An independent copy: later additions to either do not reach the other. */
    LossSample copy() {
        return new LossSample(weighted.copy(), perEvent.copy(), KllDoublesSketch.heapify(Memory.wrap(sketch.toByteArray())),
                upperTail.copy());
    }
}
