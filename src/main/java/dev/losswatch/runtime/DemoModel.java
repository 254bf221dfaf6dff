package dev.losswatch.runtime;

import dev.losswatch.events.Label;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The simulated models of {@code losswatch demo}. Each is a calibrated classifier: the label is sampled from
 * the very distribution the model predicted, so the loss losswatch reports is the loss such a model really has.
 * A miscalibrated model ({@link #label} with {@code miscalibrated}) predicts the same, but the world no
 * longer agrees with it: that is the regression the demo injects.
 */
enum DemoModel {
    /** 10-class logits, e.g. which of 10 reasons a customer leaves for. */
    CHURN("churn", "v3", 0.5) {
        @Override
        Prediction.Builder predict(RandomGenerator random) {
            List<Float> logits = new ArrayList<>(CHURN_CLASSES);
            for (int i = 0; i < CHURN_CLASSES; i++) {
                logits.add((float) (CHURN_LOGIT_SCALE * random.nextGaussian()));
            }
            return Prediction.newBuilder().setOutputType(OutputType.LOGITS).setScores(logits);
        }

        @Override
        Label.Builder label(Prediction prediction, boolean miscalibrated, RandomGenerator random) {
            double[] probabilities = softmax(prediction.getScores());
            int sampled = sampleClass(probabilities, random);
            // the world shifted: a share of the cases now behaves like the neighbouring class
            int trueClass = miscalibrated && random.nextDouble() < CHURN_SHIFTED_SHARE
                    ? (sampled + 1) % CHURN_CLASSES : sampled;
            return Label.newBuilder().setClassIndex(trueClass);
        }
    },
    /** A rare positive class as one probability. */
    FRAUD("fraud", "v12", 0.3) {
        @Override
        Prediction.Builder predict(RandomGenerator random) {
            double probability = sigmoid(FRAUD_LOGIT_MEAN + FRAUD_LOGIT_SPREAD * random.nextGaussian());
            return Prediction.newBuilder().setOutputType(OutputType.BINARY_PROBABILITY)
                    .setScores(List.of((float) probability));
        }

        @Override
        Label.Builder label(Prediction prediction, boolean miscalibrated, RandomGenerator random) {
            return Label.newBuilder().setClassIndex(random.nextDouble() < prediction.getScores().get(0) ? 1 : 0);
        }
    },
    /** Five independent tags as logits. */
    TAGS("tags", "v1", 0.2) {
        @Override
        Prediction.Builder predict(RandomGenerator random) {
            List<Float> logits = new ArrayList<>(TAG_COUNT);
            for (int i = 0; i < TAG_COUNT; i++) {
                logits.add((float) (TAG_LOGIT_MEAN + TAG_LOGIT_SPREAD * random.nextGaussian()));
            }
            return Prediction.newBuilder().setOutputType(OutputType.MULTILABEL_LOGITS).setScores(logits);
        }

        @Override
        Label.Builder label(Prediction prediction, boolean miscalibrated, RandomGenerator random) {
            List<Integer> positives = new ArrayList<>();
            List<Float> logits = prediction.getScores();
            for (int i = 0; i < logits.size(); i++) {
                if (random.nextDouble() < sigmoid(logits.get(i))) {
                    positives.add(i);
                }
            }
            return Label.newBuilder().setPositives(positives);
        }
    };

    static final int CHURN_CLASSES = 10;
    private static final double CHURN_LOGIT_SCALE = 2.0;
    /**
     * With logits of scale 2 the calibrated mean loss is about 1.33 nats, and a label taken from the
     * neighbouring class costs about 4.05: a 35% shift raises the mean by about 70%.
     */
    static final double CHURN_SHIFTED_SHARE = 0.35;
    private static final double FRAUD_LOGIT_MEAN = -3.0;
    private static final double FRAUD_LOGIT_SPREAD = 1.5;
    private static final int TAG_COUNT = 5;
    private static final double TAG_LOGIT_MEAN = -1.0;
    private static final double TAG_LOGIT_SPREAD = 2.0;

    private final String modelId;
    private final String version;
    private final double trafficShare;

    DemoModel(String modelId, String version, double trafficShare) {
        this.modelId = modelId;
        this.version = version;
        this.trafficShare = trafficShare;
    }

    String modelId() {
        return modelId;
    }

    String version() {
        return version;
    }

    /** The model that regresses after {@code --regression-after}. */
    static DemoModel regressing() {
        return CHURN;
    }

    /** A model drawn with the probability of its share of the traffic. */
    static DemoModel pick(RandomGenerator random) {
        double draw = random.nextDouble();
        DemoModel[] models = values();
        for (DemoModel model : models) {
            draw -= model.trafficShare;
            if (draw < 0) {
                return model;
            }
        }
        return models[models.length - 1];
    }

    /** A prediction of this model, made now. */
    Prediction prediction(String predictionId, Instant timestamp, RandomGenerator random) {
        return predict(random).setPredictionId(predictionId).setModelId(modelId).setModelVersion(version)
                .setTimestamp(timestamp).build();
    }

    /** The truth for {@code prediction}, sampled from what it predicted (or, miscalibrated, from a shifted world). */
    Label label(Prediction prediction, Instant timestamp, boolean miscalibrated, RandomGenerator random) {
        return label(prediction, miscalibrated, random).setPredictionId(prediction.getPredictionId())
                .setTimestamp(timestamp).build();
    }

    abstract Prediction.Builder predict(RandomGenerator random);

    abstract Label.Builder label(Prediction prediction, boolean miscalibrated, RandomGenerator random);

    private static double sigmoid(double logit) {
        return 1 / (1 + Math.exp(-logit));
    }

    private static double[] softmax(List<Float> logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double[] probabilities = new double[logits.size()];
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = Math.exp(logits.get(i) - max);
            sum += probabilities[i];
        }
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] /= sum;
        }
        return probabilities;
    }

    private static int sampleClass(double[] probabilities, RandomGenerator random) {
        double draw = random.nextDouble();
        for (int i = 0; i < probabilities.length; i++) {
            draw -= probabilities[i];
            if (draw < 0) {
                return i;
            }
        }
        return probabilities.length - 1;
    }
}
