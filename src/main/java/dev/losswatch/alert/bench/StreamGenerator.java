package dev.losswatch.alert.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import dev.losswatch.events.OutputType;
import dev.losswatch.scoring.CrossEntropy;
import dev.losswatch.scoring.ScoreResult;
import dev.losswatch.scoring.ScoringSettings;
import dev.losswatch.scoring.Target;

/**
 * A seeded stream of predictions and labels from a simulated calibrated classifier following a
 * {@link Scenario}: one prediction every {@code spacing} of simulated time, each label arriving a
 * uniformly random delay later. Events come in prediction order; {@link LabelArrivalOrder} reorders
 * them the way a monitor sees labels. The same scenario and seed always give the same stream.
 */
public final class StreamGenerator implements Iterator<SimulatedEvent> {
    /** Simulated-time layout of a stream. */
    public record Timing(Instant start, Duration spacing, Duration minLabelDelay, Duration maxLabelDelay) {
        public Timing {
            if (spacing.isNegative() || spacing.isZero() || minLabelDelay.isNegative()
                    || maxLabelDelay.compareTo(minLabelDelay) < 0) {
                throw new IllegalArgumentException("timing needs a positive spacing and 0 <= min delay <= max delay, got "
                        + spacing + ", " + minLabelDelay + ", " + maxLabelDelay);
            }
        }

        /** 5 predictions a second from 2026-01-01, labels 1 to 60 seconds later. */
        public static Timing standard() {
            return new Timing(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMillis(200), Duration.ofSeconds(1),
                    Duration.ofSeconds(60));
        }
    }

    /** What a scenario needs solved numerically, shared by all seeds. */
    public record Model(SimulatedClassifier classifier, double sharpness, double changedSharpness, RiseCurve curve) {
    }

    private static final Map<String, Model> MODELS = new ConcurrentHashMap<>();
    private static final Map<LossLevel, Double> SHARPNESS = new ConcurrentHashMap<>();

    private final Scenario scenario;
    private final Timing timing;
    private final Model model;
    private final long seed;
    private SplittableRandom random;
    private final double[] scratch;
    private final Target target = new Target();
    private final ScoreResult scored = new ScoreResult();
    private final long startMillis;
    private final long spacingMillis;
    private final long delaySpanMillis;
    private long next;

    public StreamGenerator(Scenario scenario, long seed, Timing timing) {
        this(scenario, seed, timing, 0);
    }

    private StreamGenerator(Scenario scenario, long seed, Timing timing, long firstIndex) {
        this.scenario = scenario;
        this.timing = timing;
        this.seed = seed;
        this.model = prepare(scenario);
        this.random = prefixRandom(scenario.level(), seed);
        this.next = firstIndex;
        this.scratch = new double[scenario.level().classes()];
        this.startMillis = timing.start().toEpochMilli();
        this.spacingMillis = timing.spacing().toMillis();
        this.delaySpanMillis = timing.maxLabelDelay().minus(timing.minLabelDelay()).toMillis();
    }

    /**
     * Solves what the scenario's stream needs (the model's sharpness, the label temperatures of its
     * change), once per level and change; later generators of the same kind reuse it. Takes up to a few
     * seconds for 100 classes, so a benchmark prepares its scenarios in parallel before running them.
     */
    public static Model prepare(Scenario scenario) {
        return MODELS.computeIfAbsent(scenario.level() + "/" + scenario.shape() + "/" + scenario.change(),
                key -> solve(scenario));
    }

    /**
     * The same stream from its change point on, as {@code new StreamGenerator(scenario, seed, timing)} would
     * produce it after skipping the events before: the part before the change point is common to every
     * scenario of a level, so a benchmark computes it once and continues each scenario from here.
     */
    public static StreamGenerator fromChangePoint(Scenario scenario, long seed, Timing timing) {
        if (!scenario.hasChangePoint()) {
            throw new IllegalArgumentException("scenario " + scenario.name() + " has no change point to start from");
        }
        return new StreamGenerator(scenario, seed, timing, scenario.changeAt());
    }

    /*
     * Seeds are scrambled (Murmur3's finaliser): SplittableRandom advances its state by a fixed gamma, so
     * seeds that differ by a multiple of it would give the same stream shifted by a few draws. Before a
     * change point the stream depends only on level and seed, so every scenario of a level shares it
     * (common random numbers: rows differ by their change, not by luck); from the change point on, the
     * scenario's own stream takes over.
     */
    private static SplittableRandom prefixRandom(LossLevel level, long seed) {
        return new SplittableRandom(mix(mix(seed) + level.ordinal()));
    }

    private static SplittableRandom changedRandom(Scenario scenario, long seed) {
        return new SplittableRandom(mix(mix(seed) + scenario.level().ordinal() + 31L * scenario.name().hashCode()));
    }

    private static long mix(long value) {
        long z = value;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The sharpness (logit scale) of the calibrated model at a loss level, solved once per level. */
    public static double sharpness(LossLevel level) {
        return SHARPNESS.computeIfAbsent(level,
                l -> new SimulatedClassifier(l.classes()).sharpnessForMeanLoss(l.meanLoss()));
    }

    private static Model solve(Scenario scenario) {
        LossLevel level = scenario.level();
        SimulatedClassifier classifier = new SimulatedClassifier(level.classes());
        double sharpness = sharpness(level);
        switch (scenario.shape()) {
            case OSCILLATION:
                return new Model(classifier, sharpness, sharpness,
                        RiseCurve.solve(classifier, sharpness, -scenario.change(), scenario.change()));
            case ABRUPT:
            case GRADUAL:
                return new Model(classifier, sharpness, sharpness, RiseCurve.solve(classifier, sharpness, 0,
                        scenario.change()));
            case IMPROVEMENT:
                return new Model(classifier, sharpness, new SimulatedClassifier(level.classes())
                        .sharpnessForMeanLoss(classifier.expectedLoss(sharpness, 1.0) * (1 + scenario.change())), null);
            default:
                return new Model(classifier, sharpness, sharpness, null);
        }
    }

    @Override
    public boolean hasNext() {
        return next < scenario.events();
    }

    @Override
    public SimulatedEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream of " + scenario.name() + " ends after " + scenario.events()
                    + " events");
        }
        long index = next++;
        boolean changed = scenario.hasChangePoint() && index >= scenario.changeAt();
        if (changed && index == scenario.changeAt()) {
            random = changedRandom(scenario, seed);
        }
        double sharpness = scenario.shape() == Scenario.Shape.IMPROVEMENT && changed ? model.changedSharpness()
                : model.sharpness();
        double temperature = model.curve() == null ? 1.0 : model.curve().temperatureFor(scenario.relativeChangeAt(index));
        SimulatedClassifier classifier = model.classifier();
        float[] logits = new float[classifier.classes()];
        int label = classifier.draw(random, sharpness, temperature, logits, scratch);
        long predictionTime = startMillis + index * spacingMillis;
        long labelTime = predictionTime + timing.minLabelDelay().toMillis()
                + (delaySpanMillis > 0 ? random.nextLong(delaySpanMillis + 1) : 0);
        return new SimulatedEvent(index, predictionTime, labelTime, logits, label, crossEntropy(logits, label), changed);
    }

    /** The loss as losswatch scores it: the production cross-entropy, in nats. */
    private double crossEntropy(float[] logits, int label) {
        target.setClassIndex(label);
        if (!CrossEntropy.score(OutputType.LOGITS, logits, logits.length, target, ScoringSettings.DEFAULTS, scored)) {
            throw new IllegalStateException("a simulated prediction failed scoring: " + scored.invalidReason());
        }
        return scored.loss();
    }
}
