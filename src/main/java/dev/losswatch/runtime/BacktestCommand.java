package dev.losswatch.runtime;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code losswatch backtest}: captured traffic through losswatch's own topology, offline, to tune settings. */
@Command(name = "backtest",
        mixinStandardHelpOptions = true,
        description = {"Replays predictions and labels (JSON Lines, one event per line, in the JSON form of 'score')",
                "through losswatch's topology in timestamp order, and writes scored.jsonl, windows.jsonl (final",
                "values), unlabeled.jsonl, dlq.jsonl and alerts.jsonl to --out, then prints where every input",
                "record went."})
public final class BacktestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--predictions", required = true, paramLabel = "P.jsonl", description = "Prediction events.")
    Path predictions;

    @Option(names = "--labels", required = true, paramLabel = "L.jsonl", description = "Label events.")
    Path labels;

    @Option(names = "--config", paramLabel = "FILE",
            description = "losswatch settings (as for 'run'); LOSSWATCH_* environment variables override them.")
    Path configFile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the output files go.")
    Path out;

    @Option(names = "--flush",
            description = "At the end, let time pass every window and horizon: all windows final, every waiting prediction unlabeled.")
    boolean flush;

    @Override
    public Integer call() throws Exception {
        LosswatchConfig config = LosswatchConfig.load(configFile, System.getenv());
        long started = System.nanoTime();
        Backtest.Summary summary;
        try (Backtest backtest = new Backtest(config, out)) {
            summary = backtest.run(predictions, labels, flush);
        }
        spec.commandLine().getOut().printf("%s in %.1f s%n", summary, (System.nanoTime() - started) / 1e9);
        spec.commandLine().getOut().flush();
        return summary.balanced() ? 0 : 1;
    }
}
