package dev.losswatch.runtime;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code losswatch demo}: losswatch on live simulated traffic with nothing to install, see docs/demo.md. Prints a
 * table of the figures every {@link #REFRESH} until Ctrl-C, which stops everything and removes the temporary
 * directory.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"Runs losswatch on live simulated traffic of three models, on a Kafka broker inside this process, "
                + "and shows a table of their loss every 2 s. One model regresses after --regression-after.",
                "Needs nothing else; Ctrl-C stops it and removes everything it wrote. Logs go to stderr: 2>demo.log keeps the table clean."})
public final class DemoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    static final Duration REFRESH = Duration.ofSeconds(2);
    /**
     * Handled here rather than by a shutdown hook: the embedded broker's own hook would stop it concurrently
     * with losswatch, which then cannot commit and waits out its close timeout.
     */
    private static final List<String> STOP_SIGNALS = List.of("INT", "TERM");

    @Spec
    CommandSpec spec;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_SECOND", defaultValue = "200",
            description = "Predictions per second over all models (their labels come on top). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--regression-after", paramLabel = "DURATION", defaultValue = "90s",
            converter = RunCommand.DurationConverter.class,
            description = "When the churn model regresses, after the traffic starts (10s, 2m, PT90S). Default: ${DEFAULT-VALUE}.")
    Duration regressionAfter;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of losswatch's HTTP API (metrics, queries); 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long startNanos = System.nanoTime();
        List<String> announcements = new ArrayList<>();
        Demo.Options options;
        try {
            options = new Demo.Options(rate, regressionAfter, httpPort);
        } catch (IllegalArgumentException e) {
            err.println("losswatch demo: " + e.getMessage());
            err.flush();
            return 1;
        }
        // installed first, so that Ctrl-C while starting stops in order too
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String signal : STOP_SIGNALS) {
            Signal.handle(new Signal(signal), received -> stopRequested.countDown());
        }
        Demo demo;
        try {
            demo = Demo.start(options, line -> {
                synchronized (announcements) {
                    announcements.add(line);
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.error("losswatch demo did not start", e);
            err.println("losswatch demo could not start: " + e);
            err.flush();
            return 1;
        }
        // other ways the JVM ends (SIGHUP, a closed terminal) still remove the temporary directory
        Thread hook = new Thread(demo::close, "losswatch-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        DemoDashboard dashboard = new DemoDashboard(demo.app().meterRegistry(), demo.dashboardWindow());
        String address = "http://127.0.0.1:" + demo.app().httpPort();
        try {
            do {
                String status = String.format(Locale.ROOT, "up %.0f s, Ctrl-C stops\nKafka at %s, metrics at %s/metrics%s",
                        (System.nanoTime() - startNanos) / 1e9, demo.bootstrapServers(), address,
                        demo.traffic().failure().map(f -> "\nTRAFFIC STOPPED: " + f).orElse(""));
                out.print(dashboard.render(dashboard.figures(demo.traffic().counts()), status));
                synchronized (announcements) {
                    announcements.forEach(out::println);
                }
                out.flush();
            } while (!stopRequested.await(REFRESH.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("Stopping the demo");
        out.flush();
        removeShutdownHook(hook);
        demo.close();
        return 0;
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // the hook runs now and closes the demo itself
        }
    }
}
