package dev.losswatch.runtime;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code java -jar losswatch.jar}: one subcommand per way of running losswatch. */
@Command(name = "losswatch",
        mixinStandardHelpOptions = true,
        version = "losswatch 0.1.0",
        description = "Watches the cross-entropy of live ML models on Kafka.",
        subcommands = {ScoreCommand.class, RunCommand.class, BacktestCommand.class, DemoCommand.class, GenerateCommand.class})
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }
}
