package dev.losswatch.runtime;

import dev.losswatch.events.EventSerdes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code losswatch generate}: the demo's simulated traffic (three calibrated models, late labels, copies, a little
 * garbage, a regression of {@code churn}) produced to a real cluster and registry, e.g. the docker-compose stack.
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = {"Produces simulated predictions and labels of three models to the input topics, with a loss",
                "regression injected into 'churn' after --regression-after. Runs until Ctrl-C, or for --duration."})
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka brokers. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", required = true, description = "Confluent-API schema registry URL.")
    String schemaRegistryUrl;

    @Option(names = "--rate", defaultValue = "200", description = "Predictions per second over all models. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--regression-after", defaultValue = "90s",
            description = "When churn's loss regresses, after the start. Default: ${DEFAULT-VALUE}.")
    String regressionAfter;

    @Option(names = "--duration", description = "Stop after this long (e.g. 10m); by default run until stopped.")
    String duration;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Duration regression;
        Duration runFor;
        try {
            regression = LosswatchConfig.parseDuration("--regression-after", regressionAfter);
            runFor = duration == null ? null : LosswatchConfig.parseDuration("--duration", duration);
            TrafficGenerator.requireValid(rate, regression);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        EventSerdes serdes = new EventSerdes(Map.of(Setting.SCHEMA_REGISTRY_URL.key(), schemaRegistryUrl));
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "losswatch-generate-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (TrafficGenerator generator = TrafficGenerator.start(bootstrapServers, serdes,
                TopologyConfig.topics(LosswatchConfig.of(Map.of())), rate, regression, line -> {
                    out.println(line);
                    out.flush();
                })) {
            out.printf("generating %.0f predictions/s to %s; regression after %s%n", rate, bootstrapServers, regression);
            out.flush();
            long deadline = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
            while (!stop.await(10, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
                if (generator.failure().isPresent()) {
                    spec.commandLine().getErr().println("generate: " + generator.failure().get().getMessage());
                    return 1;
                }
                out.println("sent: " + generator.counts());
                out.flush();
            }
            out.println("sent: " + generator.counts());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping: the hook has run or is running
            }
        }
        return 0;
    }
}
