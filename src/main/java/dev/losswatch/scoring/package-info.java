/**
 * Per-event cross-entropy: pure computation, no Kafka. {@link dev.losswatch.scoring.CrossEntropy} scores
 * primitive arrays exactly to float64 without allocating; {@link dev.losswatch.scoring.EventScorer} adapts
 * the Avro {@code Prediction} and {@code Label} events to it and builds the published
 * {@code ScoredPrediction}. Every rejection names its rule ({@link dev.losswatch.scoring.InvalidKind}, which
 * maps to a dead-letter reason) and says which field, index and value broke it.
 */
package dev.losswatch.scoring;
