package dev.losswatch.topology;

import java.util.List;

/** The topics losswatch reads and writes. */
public record Topics(String predictions, String labels, String scored, String windows, String alerts,
                     String unlabeled, String deadLetters) {
    public static final Topics DEFAULTS = new Topics("predictions", "labels", "losswatch.scored",
            "losswatch.windows", "losswatch.alerts", "losswatch.unlabeled", "losswatch.dlq");

    public List<String> inputs() {
        return List.of(predictions, labels);
    }

    public List<String> outputs() {
        return List.of(scored, windows, alerts, unlabeled, deadLetters);
    }
}
