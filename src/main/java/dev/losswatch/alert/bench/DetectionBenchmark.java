package dev.losswatch.alert.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.losswatch.alert.AlertConfiguration;
import dev.losswatch.alert.AlertSettings;
import dev.losswatch.alert.LossMoments;

/**
 * The detection benchmark: for each loss level, stationary and oscillating streams (false alarms),
 * abrupt and gradual regressions (detection and delay) and improvements (must stay silent), many seeds
 * each, all with one configuration. Prints a markdown table.
 *
 * <p>Usage: {@code java -cp target/classes:target/lib/* dev.losswatch.alert.bench.DetectionBenchmark
 * [--seeds N] [--quiet-seeds N] [--quiet-events N] [--threads N] [--levels LOW,MEDIUM,HIGH]
 * [--scenarios NAME,...] [--set alerts.KNOB=VALUE]... [--out FILE]}
 */
public final class DetectionBenchmark {
    static final double[] ABRUPT_RISES = {0.05, 0.10, 0.25, 0.50, 1.00};
    static final double[] GRADUAL_RISES = {0.10, 0.25, 1.00};
    static final double[] IMPROVEMENTS = {-0.10, -0.25, -0.50};
    static final long RAMP_EVENTS = 10_000;
    static final double OSCILLATION_AMPLITUDE = 0.05;
    static final long[] OSCILLATION_PERIODS = {20_000, 200_000};
    /** Events monitored before a change, after the reference period. */
    static final long QUIET_BEFORE_CHANGE = 10_000;
    /** Post-change events an improvement is watched for alarms. */
    static final long IMPROVEMENT_HORIZON = 50_000;
    /** Median delays of tuned public detectors (ADWIN, Page-Hinkley, CUSUM) at mean loss 0.7, from the issue. */
    static final Map<String, String> TUNED_REFERENCE = Map.of("abrupt +5%", "10,500", "abrupt +10%", "3,600",
            "abrupt +25%", "640", "abrupt +50%", "190", "abrupt +100%", "95", "gradual +25% / 10000", "5,500");

    /** One row of the table. */
    public record Row(LossLevel level, String scenario, int runs, int detected, long medianDelay, long p90Delay,
                      long medianSequentialDelay, long medianWindowDelay, long quietEvents, int falseAlarms,
                      int sequentialFalseAlarms, int alarmsAfterImprovement, int notFrozen) {
        double falseAlarmsPer100k() {
            return quietEvents == 0 ? 0 : falseAlarms * 100_000.0 / quietEvents;
        }
    }

    private final AlertSettings settings;
    private final StreamGenerator.Timing timing;
    private final Duration windowSize;
    private final int seeds;
    private final int quietSeeds;
    private final long quietEvents;
    private final ExecutorService executor;

    /**
     * @param seeds       runs of each change scenario
     * @param quietSeeds  runs of each stream without a change point (stationary, oscillating)
     * @param quietEvents monitored events of each such run, after its reference period
     */
    public DetectionBenchmark(AlertSettings settings, StreamGenerator.Timing timing, Duration windowSize, int seeds,
                              int quietSeeds, long quietEvents, ExecutorService executor) {
        this.settings = settings;
        this.timing = timing;
        this.windowSize = windowSize;
        this.seeds = seeds;
        this.quietSeeds = quietSeeds;
        this.quietEvents = quietEvents;
        this.executor = executor;
    }

    /** All scenarios of one level, ready to run: change points placed after the expected reference period. */
    public List<Scenario> scenarios(LossLevel level) {
        long reference = expectedReferenceEvents(level);
        long changeAt = changePoint(reference);
        long horizon = detectionHorizon(level);
        List<Scenario> scenarios = new ArrayList<>();
        scenarios.add(Scenario.stationary(level, reference + quietEvents));
        for (long period : OSCILLATION_PERIODS) {
            scenarios.add(Scenario.oscillation(level, OSCILLATION_AMPLITUDE, period, reference + quietEvents));
        }
        for (double rise : ABRUPT_RISES) {
            scenarios.add(Scenario.abrupt(level, rise, changeAt, changeAt + horizon));
        }
        for (double rise : GRADUAL_RISES) {
            scenarios.add(Scenario.gradual(level, rise, changeAt, RAMP_EVENTS, changeAt + horizon));
        }
        for (double fall : IMPROVEMENTS) {
            scenarios.add(Scenario.improvement(level, fall, changeAt, changeAt + IMPROVEMENT_HORIZON));
        }
        return scenarios;
    }

    /** A fifth of the reference period's length as margin for its data-dependent end, then some quiet events. */
    private static long changePoint(long expectedReference) {
        return expectedReference + expectedReference / 5 + QUIET_BEFORE_CHANGE;
    }

    /** Post-change events a regression has to be detected in: more where each event says less. */
    static long detectionHorizon(LossLevel level) {
        return level == LossLevel.LOW ? 300_000 : 100_000;
    }

    /**
     * The reference period the settings imply for a level: the event and duration minimums, or longer until
     * the mean is precise enough, estimated from a pilot sample of the level's loss spread.
     */
    long expectedReferenceEvents(LossLevel level) {
        LossMoments pilot = new LossMoments();
        StreamGenerator generator = new StreamGenerator(Scenario.stationary(level, 100_000), -1, timing);
        while (generator.hasNext()) {
            pilot.add(generator.next().loss());
        }
        double cv = pilot.standardDeviation() / pilot.mean();
        long forPrecision = (long) Math.ceil(Math.pow(cv / settings.referenceMaxRelativeError(), 2));
        long forDuration = settings.referenceMinDuration().toMillis() / timing.spacing().toMillis();
        return Math.min(settings.referenceMaxEvents(),
                Math.max(settings.referenceMinEvents(), Math.max(forDuration, forPrecision)));
    }

    /** Runs every scenario of the given levels whose name contains one of {@code filters} (all when empty). */
    public List<Row> run(Set<LossLevel> levels, List<String> filters) throws InterruptedException, ExecutionException {
        List<Row> rows = new ArrayList<>();
        for (LossLevel level : levels) {
            rows.addAll(run(level, filters));
        }
        return rows;
    }

    /**
     * One level. Per seed, the stationary stream is the trunk every change scenario branches off at its
     * change point (computed once, see {@link DetectionRun#runBranches}); beyond {@code quietSeeds} the trunk
     * stops at the change point. Oscillating streams run on their own.
     */
    List<Row> run(LossLevel level, List<String> filters) throws InterruptedException, ExecutionException {
        List<Scenario> all = scenarios(level);
        List<Future<StreamGenerator.Model>> solving = new ArrayList<>();
        for (Scenario scenario : all) {
            solving.add(executor.submit(() -> StreamGenerator.prepare(scenario)));
        }
        for (Future<StreamGenerator.Model> model : solving) {
            model.get();
        }
        Scenario trunk = all.get(0);
        List<Scenario> selected = all.stream()
                .filter(s -> filters.isEmpty() || filters.stream().anyMatch(s.name()::contains)).toList();
        List<Scenario> branches = selected.stream().filter(Scenario::hasChangePoint).toList();
        List<Scenario> alone = selected.stream().filter(s -> s.shape() == Scenario.Shape.OSCILLATION).toList();
        Scenario shortTrunk = trunk.withEvents(branches.isEmpty() ? 1 : branches.get(0).changeAt() + 1);
        DetectionRun runner = new DetectionRun(settings, timing, windowSize);
        Map<Scenario, List<Future<DetectionRun.Result>>> pending = new LinkedHashMap<>();
        List<Future<List<DetectionRun.Result>>> branched = new ArrayList<>();
        for (int seed = 0; seed < Math.max(seeds, quietSeeds); seed++) {
            long runSeed = seed;
            boolean quiet = seed < quietSeeds;
            List<Scenario> seedBranches = seed < seeds ? branches : List.of();
            if (quiet || !seedBranches.isEmpty()) {
                Scenario seedTrunk = quiet ? trunk : shortTrunk;
                branched.add(executor.submit(() -> seedBranches.isEmpty() ? List.of(runner.run(seedTrunk, runSeed))
                        : runner.runBranches(seedTrunk, seedBranches, runSeed)));
            }
            for (Scenario scenario : quiet ? alone : List.<Scenario>of()) {
                pending.computeIfAbsent(scenario, s -> new ArrayList<>())
                        .add(executor.submit(() -> runner.run(scenario, runSeed)));
            }
        }
        Map<Scenario, List<DetectionRun.Result>> results = new LinkedHashMap<>();
        for (int seed = 0; seed < branched.size(); seed++) {
            List<DetectionRun.Result> perSeed = branched.get(seed).get();
            if (seed < quietSeeds) {
                results.computeIfAbsent(trunk, s -> new ArrayList<>()).add(perSeed.get(0));
            }
            for (int i = 1; i < perSeed.size(); i++) {
                results.computeIfAbsent(branches.get(i - 1), s -> new ArrayList<>()).add(perSeed.get(i));
            }
        }
        for (Map.Entry<Scenario, List<Future<DetectionRun.Result>>> entry : pending.entrySet()) {
            for (Future<DetectionRun.Result> future : entry.getValue()) {
                results.computeIfAbsent(entry.getKey(), s -> new ArrayList<>()).add(future.get());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Scenario scenario : selected) {
            if (results.containsKey(scenario)) {
                rows.add(row(scenario, results.get(scenario)));
            }
        }
        return rows;
    }

    static Row row(Scenario scenario, List<DetectionRun.Result> results) {
        long[] delays = results.stream().mapToLong(DetectionRun.Result::delay).toArray();
        long[] sequential = results.stream().mapToLong(DetectionRun.Result::sequentialDelay).toArray();
        long[] window = results.stream().mapToLong(DetectionRun.Result::windowDelay).toArray();
        int detected = (int) Arrays.stream(delays).filter(d -> d >= 0).count();
        return new Row(scenario.level(), scenario.name(), results.size(), detected, percentile(delays, 0.5),
                percentile(delays, 0.9), percentile(sequential, 0.5), percentile(window, 0.5),
                results.stream().mapToLong(DetectionRun.Result::quietEvents).sum(),
                results.stream().mapToInt(DetectionRun.Result::falseAlarms).sum(),
                results.stream().mapToInt(DetectionRun.Result::sequentialFalseAlarms).sum(),
                results.stream().mapToInt(DetectionRun.Result::alarmsAfterImprovement).sum(),
                (int) results.stream().filter(r -> !r.frozeBeforeChange()).count());
    }

    /** Percentile of delays with misses (-1) counted as infinitely late; -1 if the percentile is a miss. */
    static long percentile(long[] delays, double rank) {
        long[] sorted = Arrays.stream(delays).map(d -> d < 0 ? Long.MAX_VALUE : d).sorted().toArray();
        long value = sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(rank * sorted.length) - 1))];
        return value == Long.MAX_VALUE ? -1 : value;
    }

    static void print(List<Row> rows, PrintStream out) {
        out.println("| level | scenario | runs | detected | median delay | p90 delay | median delay sequential "
                + "| median delay window | tuned public detectors | monitored quiet events | false alarms (sequential) "
                + "| per 100k | alarms after improvement |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            boolean regression = row.scenario().startsWith("abrupt") || row.scenario().startsWith("gradual");
            out.printf(Locale.ROOT, "| %s (%.2f) | %s | %d | %s | %s | %s | %s | %s | %s | %,d | %d (%d) | %.3f | %s |%n",
                    row.level(), row.level().meanLoss(), row.scenario(), row.runs(),
                    regression ? String.format(Locale.ROOT, "%.0f%%", 100.0 * row.detected() / row.runs()) : "–",
                    delay(row.medianDelay()), delay(row.p90Delay()), delay(row.medianSequentialDelay()),
                    delay(row.medianWindowDelay()),
                    row.level() == LossLevel.MEDIUM ? TUNED_REFERENCE.getOrDefault(row.scenario(), "–") : "–",
                    row.quietEvents(), row.falseAlarms(), row.sequentialFalseAlarms(), row.falseAlarmsPer100k(),
                    row.scenario().startsWith("improvement") ? Integer.toString(row.alarmsAfterImprovement()) : "–");
            if (row.notFrozen() > 0) {
                out.printf(Locale.ROOT, "|  | (%d runs changed before the baseline froze) ||||||||||||%n", row.notFrozen());
            }
        }
    }

    private static String delay(long events) {
        return events < 0 ? "–" : String.format(Locale.ROOT, "%,d", events);
    }

    public static void main(String[] args) throws Exception {
        int seeds = 100;
        int quietSeeds = 30;
        long quiet = 300_000;
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        Set<LossLevel> levels = EnumSet.allOf(LossLevel.class);
        Path out = null;
        List<String> filters = List.of();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String option = args[i];
            String value = require(option, i + 1 < args.length ? args[i + 1] : null);
            switch (option) {
                case "--seeds" -> seeds = Integer.parseInt(value);
                case "--quiet-seeds" -> quietSeeds = Integer.parseInt(value);
                case "--quiet-events" -> quiet = Long.parseLong(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--levels" -> {
                    levels = EnumSet.noneOf(LossLevel.class);
                    for (String level : value.split(",")) {
                        levels.add(LossLevel.valueOf(level.trim().toUpperCase(Locale.ROOT)));
                    }
                }
                case "--scenarios" -> filters = Arrays.asList(value.split(","));
                case "--set" -> {
                    int equals = value.indexOf('=');
                    if (equals < 1) {
                        throw new IllegalArgumentException("--set needs key=value, got " + value);
                    }
                    overrides.put(value.substring(0, equals), value.substring(equals + 1));
                }
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option + "; use --seeds N, --quiet-seeds N,"
                        + " --quiet-events N, --threads N, --levels LOW,MEDIUM,HIGH, --scenarios NAME,...,"
                        + " --set alerts.KNOB=VALUE, --out FILE");
            }
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        try {
            AlertSettings settings = AlertConfiguration.from(overrides).forModel("simulated");
            DetectionBenchmark benchmark = new DetectionBenchmark(settings, StreamGenerator.Timing.standard(),
                    Duration.ofMinutes(5), seeds, quietSeeds, quiet, executor);
            List<Row> rows = benchmark.run(levels, filters);
            print(rows, System.out);
            if (out != null) {
                try (PrintStream file = new PrintStream(Files.newOutputStream(out), true, StandardCharsets.UTF_8)) {
                    print(rows, file);
                }
            }
        } finally {
            executor.shutdown();
        }
        System.out.printf(Locale.ROOT, "%n%d seeds per change scenario, %d per quiet stream of %,d monitored events, "
                + "%d threads, %.0f s%n", seeds, quietSeeds, quiet, threads, (System.nanoTime() - started) / 1e9);
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
