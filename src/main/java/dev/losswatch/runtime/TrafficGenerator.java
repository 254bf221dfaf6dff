package dev.losswatch.runtime;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.topology.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live traffic for {@code losswatch demo}: predictions of the {@link DemoModel}s at a steady rate, each one's
 * label a random 1-20 s later, keyed by predictionId and stamped with the wall clock as a serving system and a
 * labelling pipeline would. Like real traffic it repeats itself now and then (a few % duplicate predictions and
 * labels) and carries some garbage (a record that is not Avro, a prediction with a NaN score). After
 * {@code regressionAfter}, the {@link DemoModel#regressing() regressing model} becomes miscalibrated.
 *
 * <p>One thread produces everything, so the state below needs no locks; the counters are read by others.
 */
public final class TrafficGenerator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficGenerator.class);

    private static final Duration TICK = Duration.ofMillis(20);
    private static final Duration MIN_LABEL_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_LABEL_DELAY = Duration.ofSeconds(20);
    private static final double DUPLICATE_SHARE = 0.03;
    /** Every this often, one garbage record, alternately unreadable bytes and an invalid prediction. */
    private static final Duration GARBAGE_INTERVAL = Duration.ofSeconds(5);

    private final Topics topics;
    private final double eventsPerSecond;
    private final Duration regressionAfter;
    private final Consumer<String> announcements;
    private final Clock clock;
    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<Prediction> predictionSerializer;
    private final Serializer<Label> labelSerializer;
    private final ScheduledExecutorService thread;
    private final SplittableRandom random = new SplittableRandom();
    private final PriorityQueue<PendingLabel> pendingLabels = new PriorityQueue<>();

    private final AtomicLong predictions = new AtomicLong();
    private final AtomicLong labels = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong garbage = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private volatile Instant regressionStart;
    private volatile RuntimeException failure;

    private Instant start;
    private long garbageRecords;

    /** A label sampled when its prediction was made, sent when it is due. */
    private record PendingLabel(long dueMillis, Label.Builder label) implements Comparable<PendingLabel> {
        @Override
        public int compareTo(PendingLabel other) {
            return Long.compare(dueMillis, other.dueMillis);
        }
    }

    /** What has been sent so far. */
    public record Counts(long predictions, long labels, long duplicates, long garbage, long sendFailures) {
    }

    private TrafficGenerator(String bootstrapServers, EventSerdes serdes, Topics topics, double eventsPerSecond,
                             Duration regressionAfter, Consumer<String> announcements, Clock clock) {
        this.topics = topics;
        this.eventsPerSecond = eventsPerSecond;
        this.regressionAfter = regressionAfter;
        this.announcements = announcements;
        this.clock = clock;
        this.predictionSerializer = serdes.prediction().serializer();
        this.labelSerializer = serdes.label().serializer();
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.CLIENT_ID_CONFIG, "losswatch-demo-traffic"), new StringSerializer(), new ByteArraySerializer());
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread producing = new Thread(runnable, "losswatch-demo-traffic");
            producing.setDaemon(true);
            return producing;
        });
    }

    /**
     * Starts producing to the input topics of {@code topics} at once.
     *
     * @param eventsPerSecond predictions per second over all models (labels and garbage come on top)
     * @param regressionAfter how long after the start the regressing model becomes miscalibrated
     * @param announcements   told, in one line, when the regression is injected
     */
    public static TrafficGenerator start(String bootstrapServers, EventSerdes serdes, Topics topics,
                                         double eventsPerSecond, Duration regressionAfter, Consumer<String> announcements) {
        requireValid(eventsPerSecond, regressionAfter);
        TrafficGenerator generator = new TrafficGenerator(bootstrapServers, serdes, topics, eventsPerSecond,
                regressionAfter, announcements, Clock.systemUTC());
        generator.start = generator.clock.instant();
        generator.thread.scheduleAtFixedRate(generator::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        return generator;
    }

    /** @throws IllegalArgumentException when the rate is not a positive number or the regression would come before the start */
    static void requireValid(double eventsPerSecond, Duration regressionAfter) {
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("the rate must be a positive number of events per second, got " + eventsPerSecond);
        }
        if (regressionAfter.isNegative()) {
            throw new IllegalArgumentException("the regression cannot come before the traffic starts, got regression after "
                    + regressionAfter);
        }
    }

    public Counts counts() {
        return new Counts(predictions.get(), labels.get(), duplicates.get(), garbage.get(), sendFailures.get());
    }

    /** When the regression was injected; empty before. */
    public Optional<Instant> regressionStart() {
        return Optional.ofNullable(regressionStart);
    }

    /** Why the generator stopped producing, if it did. */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops producing; what was sent is flushed, labels not yet due are never sent. Idempotent. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The demo traffic thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }

    private void tick() {
        if (failure != null) {
            return;
        }
        try {
            Instant now = clock.instant();
            Duration elapsed = Duration.between(start, now);
            injectRegressionWhenDue(now, elapsed);
            long due = (long) (eventsPerSecond * elapsed.toNanos() / 1e9) - predictions.get();
            for (long i = 0; i < due; i++) {
                sendPrediction(now);
            }
            sendDueLabels(now);
            sendGarbageWhenDue(now, elapsed);
        } catch (RuntimeException e) {
            // a scheduled task that throws is silently never run again: keep the reason for the dashboard
            failure = e;
            LOG.error("The demo traffic stopped", e);
        }
    }

    private void injectRegressionWhenDue(Instant now, Duration elapsed) {
        if (regressionStart == null && elapsed.compareTo(regressionAfter) >= 0) {
            regressionStart = now;
            announcements.accept("Regression injected at " + now + ": " + DemoModel.regressing().modelId()
                    + "'s world shifted, " + Math.round(DemoModel.CHURN_SHIFTED_SHARE * 100)
                    + "% of its labels now belong to the neighbouring class; watch its mean loss rise");
        }
    }

    private void sendPrediction(Instant now) {
        DemoModel model = DemoModel.pick(random);
        String predictionId = model.modelId() + "-" + predictions.incrementAndGet();
        Prediction prediction = model.prediction(predictionId, now, random);
        send(topics.predictions(), predictionId, now, predictionSerializer.serialize(topics.predictions(), prediction));
        if (random.nextDouble() < DUPLICATE_SHARE) {
            send(topics.predictions(), predictionId, now, predictionSerializer.serialize(topics.predictions(), prediction));
            duplicates.incrementAndGet();
        }
        boolean miscalibrated = regressionStart != null && model == DemoModel.regressing();
        long delayMillis = random.nextLong(MIN_LABEL_DELAY.toMillis(), MAX_LABEL_DELAY.toMillis() + 1);
        Label sampled = model.label(prediction, now, miscalibrated, random);
        pendingLabels.add(new PendingLabel(now.toEpochMilli() + delayMillis, Label.newBuilder(sampled)));
    }

    private void sendDueLabels(Instant now) {
        List<PendingLabel> due = new ArrayList<>();
        while (!pendingLabels.isEmpty() && pendingLabels.peek().dueMillis() <= now.toEpochMilli()) {
            due.add(pendingLabels.poll());
        }
        for (PendingLabel pending : due) {
            Label label = pending.label().setTimestamp(now).build();
            byte[] bytes = labelSerializer.serialize(topics.labels(), label);
            send(topics.labels(), label.getPredictionId(), now, bytes);
            labels.incrementAndGet();
            if (random.nextDouble() < DUPLICATE_SHARE) {
                send(topics.labels(), label.getPredictionId(), now, bytes);
                duplicates.incrementAndGet();
            }
        }
    }

    private void sendGarbageWhenDue(Instant now, Duration elapsed) {
        long due = elapsed.toMillis() / GARBAGE_INTERVAL.toMillis();
        if (garbageRecords >= due) {
            return;
        }
        garbageRecords++;
        String predictionId = "garbage-" + garbageRecords;
        byte[] bytes;
        if (garbageRecords % 2 == 1) {
            bytes = new byte[16 + random.nextInt(48)];
            random.nextBytes(bytes);
        } else {
            Prediction invalid = DemoModel.FRAUD.prediction(predictionId, now, random);
            invalid.setScores(List.of(Float.NaN));
            bytes = predictionSerializer.serialize(topics.predictions(), invalid);
        }
        send(topics.predictions(), predictionId, now, bytes);
        garbage.incrementAndGet();
    }

    private void send(String topic, String key, Instant timestamp, byte[] value) {
        producer.send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), key, value), (metadata, error) -> {
            if (error != null && sendFailures.getAndIncrement() == 0) {
                LOG.warn("Could not send demo traffic to {} (further failures are only counted)", topic, error);
            }
        });
    }
}
