package dev.losswatch.runtime;

import dev.losswatch.topology.Topics;
import dev.losswatch.topology.TopologySettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigException;
import org.apache.logging.log4j.LogManager;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code losswatch run}: checks that the schema registry answers, the brokers answer and the topics exist, then
 * runs {@link LosswatchApp} until SIGTERM or Ctrl-C. A failed check ends the command with exit code 1 and one
 * message saying what is wrong, without a stack trace.
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {"Runs losswatch: joins predictions with their labels, scores them and serves metrics and queries over HTTP.",
                "Checks first that the schema registry answers, that the Kafka brokers answer and that the input and "
                        + "output topics exist; stops on SIGTERM or Ctrl-C, committing its work."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** The shutdown hook waits this long beyond the app's close timeout before giving up. */
    private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file (see examples/losswatch.properties); LOSSWATCH_* environment variables override it.")
    Path configFile;

    @Option(names = "--create-topics",
            description = "Create the input and output topics that do not exist yet, instead of failing.")
    boolean createTopics;

    @Option(names = "--partitions", defaultValue = "4",
            description = "Partition count of the topics that --create-topics creates. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "1",
            description = "Replication factor of the topics that --create-topics creates. Default: ${DEFAULT-VALUE}.")
    short replicationFactor;

    @Option(names = "--preflight-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long each startup check waits for Kafka (10s, 1m, PT30S). Default: ${DEFAULT-VALUE}.")
    Duration preflightTimeout;

    /** Reads the short forms of the configuration file as well as ISO-8601. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return LosswatchConfig.parseDuration("--preflight-timeout", text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a duration such as 10s, 1m or PT30S");
            }
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        LosswatchApp app;
        try {
            LosswatchConfig config = loadConfig();
            TopologySettings settings = TopologyConfig.settings(config);
            RegistryPreflight.check(config.registryProperties(), settings.topics().predictions());
            checkKafka(config, settings.topics());
            app = LosswatchApp.start(config);
        } catch (PreflightException | IllegalArgumentException | ConfigException | IOException e) {
            LOG.debug("losswatch run did not start", e);
            err.println("losswatch run: " + e.getMessage());
            err.flush();
            return 1;
        } catch (StreamsException e) {
            LOG.debug("Kafka Streams did not start", e);
            err.println("losswatch run: Kafka Streams could not start: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            err.flush();
            return 1;
        }
        return runUntilStopped(app, err);
    }

    private LosswatchConfig loadConfig() {
        try {
            return LosswatchConfig.load(configFile, System.getenv());
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the configuration file " + configFile + " (--config): "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void checkKafka(LosswatchConfig config, Topics topics) {
        List<String> required = new ArrayList<>(topics.inputs());
        required.addAll(topics.outputs());
        try (KafkaPreflight kafka = KafkaPreflight.connect(config.kafkaProperties(), preflightTimeout)) {
            kafka.checkReachable();
            if (createTopics) {
                kafka.createTopics(required, partitions, replicationFactor);
            }
            Map<String, Integer> partitionCounts = kafka.requireTopics(required);
            int predictionPartitions = partitionCounts.get(topics.predictions());
            int labelPartitions = partitionCounts.get(topics.labels());
            if (predictionPartitions != labelPartitions) {
                // a prediction and its label must meet in the same task, or they never join
                throw new PreflightException("Topic " + topics.predictions() + " has " + predictionPartitions
                        + " partition(s) but " + topics.labels() + " has " + labelPartitions + ": the join needs both "
                        + "inputs on the same partition count, so that a prediction and its label land on the same partition number.");
            }
        }
    }

    /**
     * Waits for a stop request (SIGTERM or Ctrl-C through the shutdown hook, or an interrupt of this thread) or for
     * Kafka Streams to stop by itself, then closes the app. Exit code 0 after a requested stop that closed cleanly.
     */
    private int runUntilStopped(LosswatchApp app, PrintWriter err) {
        CompletableFuture<Void> stopRequested = new CompletableFuture<>();
        CountDownLatch closed = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(1);
        Thread hook = new Thread(() -> {
            stopRequested.complete(null);
            awaitQuietly(closed, LosswatchApp.CLOSE_TIMEOUT.plus(SHUTDOWN_MARGIN));
            // log4j2.xml leaves this to us, so that the closing is logged to the end
            LogManager.shutdown();
            // the JVM would otherwise end with 128 + the signal number; a clean stop is a success
            Runtime.getRuntime().halt(exitCode.get());
        }, "losswatch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("losswatch is running; SIGTERM or Ctrl-C stops it");

        CompletableFuture<KafkaStreams.State> streamsStopped = app.stopped();
        boolean interrupted = false;
        try {
            CompletableFuture.anyOf(stopRequested, streamsStopped).get();
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for a stop failed", e);
        }
        boolean stopWasRequested = interrupted || stopRequested.isDone();
        if (stopWasRequested) {
            LOG.info("Stop requested: closing");
        } else {
            err.println("losswatch run: Kafka Streams stopped by itself in state " + streamsStopped.getNow(null)
                    + "; the log above says why");
            err.flush();
        }
        boolean clean = app.close(LosswatchApp.CLOSE_TIMEOUT);
        exitCode.set(stopWasRequested && clean ? 0 : 1);
        closed.countDown();
        if (!stopRequested.isDone()) {
            removeShutdownHook(hook);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return exitCode.get();
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // the hook runs now and finds the app closed
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("losswatch did not close within {}; exiting anyway", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
