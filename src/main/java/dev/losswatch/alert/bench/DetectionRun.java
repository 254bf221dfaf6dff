package dev.losswatch.alert.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.losswatch.alert.AlertSettings;
import dev.losswatch.alert.AlertStateCodec;
import dev.losswatch.alert.AlertSubject;
import dev.losswatch.alert.DriftMonitor;
import dev.losswatch.alert.LossMoments;
import dev.losswatch.alert.WindowSummary;
import dev.losswatch.events.AlertState;
import dev.losswatch.events.Detector;
import dev.losswatch.events.DriftAlert;
import dev.losswatch.events.LogBase;

/**
 * Runs simulated streams through a {@link DriftMonitor} the way the stream processor will: scored events
 * in label-arrival order, and tumbling windows on prediction time judged once stream time has passed their
 * end plus the longest label delay. Counts what an operator would see.
 */
public final class DetectionRun {
    /**
     * What happened in one run.
     *
     * @param referenceEvents        events the baseline learned from
     * @param quietEvents            monitored events in which any alarm is false: before the change point, or all
     *                               events of a stream without one
     * @param falseAlarms            FIRING transitions during the quiet events
     * @param sequentialFalseAlarms  those of them raised by the sequential detector
     * @param alarmsAfterImprovement FIRING transitions after an improvement's change point
     * @param delay                  changed events labelled up to and including the first FIRING after a
     *                               regression's change point (either detector), or -1
     * @param windowDelay            the same for the window test alone, or -1
     * @param sequentialDelay        the same for the sequential detector alone, or -1
     * @param frozeBeforeChange      whether the baseline froze before the first label of a changed prediction
     */
    public record Result(long referenceEvents, long quietEvents, int falseAlarms, int sequentialFalseAlarms,
                         int alarmsAfterImprovement, long delay, long windowDelay, long sequentialDelay,
                         boolean frozeBeforeChange) {
    }

    private final AlertSettings settings;
    private final StreamGenerator.Timing timing;
    private final long windowMillis;

    public DetectionRun(AlertSettings settings, StreamGenerator.Timing timing, Duration windowSize) {
        this.settings = settings;
        this.timing = timing;
        this.windowMillis = windowSize.toMillis();
    }

    /** Runs one scenario with one seed; a regression's run stops once both detectors have fired. */
    public Result run(Scenario scenario, long seed) {
        Replay replay = new Replay(scenario, DriftMonitor.start(AlertSubject.of("simulated", "1", LogBase.E),
                timing.start(), null));
        replay.finish(new LabelArrivalOrder(new StreamGenerator(scenario, seed, timing)));
        return replay.result();
    }

    /**
     * Runs a stationary trunk and scenarios that branch off it at a common change point, with one seed. Up
     * to the change point their streams are the same (see {@link StreamGenerator}), so that part, including
     * the reference period and the baseline's calibration, is computed once; each branch continues from a
     * copy of the monitor made through {@link AlertStateCodec}. Results are those of {@link #run} for each.
     *
     * @return the trunk's result, then the branches' in order
     */
    public List<Result> runBranches(Scenario trunk, List<Scenario> branches, long seed) {
        if (trunk.hasChangePoint()) {
            throw new IllegalArgumentException("the trunk must not change, got " + trunk.name());
        }
        long changeAt = branches.get(0).changeAt();
        for (Scenario branch : branches) {
            if (!branch.hasChangePoint() || branch.changeAt() != changeAt || branch.level() != trunk.level()) {
                throw new IllegalArgumentException("branch " + branch.name() + " must change at " + changeAt
                        + " on level " + trunk.level());
            }
        }
        if (trunk.events() <= changeAt) {
            throw new IllegalArgumentException("the trunk ends at " + trunk.events() + ", before the change point "
                    + changeAt);
        }
        Replay trunkReplay = new Replay(trunk, DriftMonitor.start(AlertSubject.of("simulated", "1", LogBase.E),
                timing.start(), null));
        LabelArrivalOrder trunkLabels = new LabelArrivalOrder(new StreamGenerator(trunk, seed, timing));
        long changeTime = timing.start().toEpochMilli() + changeAt * timing.spacing().toMillis();
        while (trunkLabels.hasNext() && trunkLabels.peekArrivalMillis() < changeTime) {
            trunkReplay.process(trunkLabels.next());
        }
        List<Result> results = new ArrayList<>();
        List<Result> branchResults = new ArrayList<>();
        for (Scenario branch : branches) {
            Replay replay = trunkReplay.fork(branch);
            replay.finish(trunkLabels.fork(StreamGenerator.fromChangePoint(branch, seed, timing), changeAt));
            branchResults.add(replay.result());
        }
        trunkReplay.finish(trunkLabels);
        results.add(trunkReplay.result());
        results.addAll(branchResults);
        return results;
    }

    /** The monitor of one stream with its open windows and counts. */
    private final class Replay {
        private final Scenario scenario;
        private final DriftMonitor monitor;
        private final TreeMap<Long, LossMoments> openWindows;
        private long referenceEvents;
        private long quietEvents;
        private long changedEvents;
        private int falseAlarms;
        private int sequentialFalseAlarms;
        private int alarmsAfterImprovement;
        private long windowDelay = -1;
        private long sequentialDelay = -1;
        private boolean frozeBeforeChange;

        Replay(Scenario scenario, DriftMonitor monitor) {
            this(scenario, monitor, new TreeMap<>());
            this.frozeBeforeChange = !scenario.hasChangePoint();
        }

        private Replay(Scenario scenario, DriftMonitor monitor, TreeMap<Long, LossMoments> openWindows) {
            this.scenario = scenario;
            this.monitor = monitor;
            this.openWindows = openWindows;
        }

        /** A copy for another scenario, taken before any changed event was seen. */
        Replay fork(Scenario other) {
            TreeMap<Long, LossMoments> windows = new TreeMap<>();
            openWindows.forEach((start, moments) -> windows.put(start, moments.copy()));
            Replay copy = new Replay(other, AlertStateCodec.decode(AlertStateCodec.encode(monitor)), windows);
            copy.referenceEvents = referenceEvents;
            copy.quietEvents = quietEvents;
            copy.falseAlarms = falseAlarms;
            copy.sequentialFalseAlarms = sequentialFalseAlarms;
            copy.frozeBeforeChange = !other.hasChangePoint();
            return copy;
        }

        void finish(LabelArrivalOrder labels) {
            while (labels.hasNext()) {
                process(labels.next());
                if (scenario.isRegression() && windowDelay >= 0 && sequentialDelay >= 0) {
                    return;
                }
            }
        }

        void process(SimulatedEvent event) {
            Instant now = Instant.ofEpochMilli(event.labelTimeMillis());
            while (!openWindows.isEmpty() && openWindows.firstKey() + windowMillis
                    + timing.maxLabelDelay().toMillis() <= event.labelTimeMillis()) {
                Map.Entry<Long, LossMoments> closed = openWindows.pollFirstEntry();
                count(monitor.onWindow(new WindowSummary(Instant.ofEpochMilli(closed.getKey()),
                        Instant.ofEpochMilli(closed.getKey() + windowMillis), closed.getValue()), now, settings));
            }
            boolean monitoring = monitor.baseline().isPresent();
            if (event.changed()) {
                changedEvents++;
                if (changedEvents == 1) {
                    frozeBeforeChange = monitoring;
                }
            } else if (monitoring) {
                quietEvents++;
            } else {
                referenceEvents++;
            }
            count(monitor.onScored(event.loss(), 1.0, now, settings));
            long windowStart = event.predictionTimeMillis()
                    - Math.floorMod(event.predictionTimeMillis() - timing.start().toEpochMilli(), windowMillis);
            openWindows.computeIfAbsent(windowStart, start -> new LossMoments()).add(event.loss());
        }

        private void count(List<DriftAlert> alerts) {
            for (DriftAlert alert : alerts) {
                if (alert.getState() != AlertState.FIRING) {
                    continue;
                }
                boolean sequential = alert.getDetector() == Detector.SEQUENTIAL;
                if (changedEvents == 0) {
                    falseAlarms++;
                    if (sequential) {
                        sequentialFalseAlarms++;
                    }
                } else if (!scenario.isRegression()) {
                    alarmsAfterImprovement++;
                } else if (sequential && sequentialDelay < 0) {
                    sequentialDelay = changedEvents;
                } else if (!sequential && windowDelay < 0) {
                    windowDelay = changedEvents;
                }
            }
        }

        Result result() {
            long delay = windowDelay < 0 ? sequentialDelay : sequentialDelay < 0 ? windowDelay
                    : Math.min(windowDelay, sequentialDelay);
            return new Result(referenceEvents, quietEvents, falseAlarms, sequentialFalseAlarms, alarmsAfterImprovement,
                    delay, windowDelay, sequentialDelay, frozeBeforeChange);
        }
    }
}
