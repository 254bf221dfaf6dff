package dev.losswatch.alert.bench;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Reorders a prediction-ordered stream of events by label arrival time (ties by prediction index), as
 * a monitor sees them. Holds only the labels still in flight: at most the maximum label delay's worth.
 */
public final class LabelArrivalOrder implements Iterator<SimulatedEvent> {
    private final Iterator<SimulatedEvent> predictions;
    private final PriorityQueue<SimulatedEvent> inFlight = new PriorityQueue<>(LabelArrivalOrder::byArrival);
    private SimulatedEvent lookahead;

    private static int byArrival(SimulatedEvent a, SimulatedEvent b) {
        return a.labelTimeMillis() != b.labelTimeMillis() ? Long.compare(a.labelTimeMillis(), b.labelTimeMillis())
                : Long.compare(a.index(), b.index());
    }

    public LabelArrivalOrder(Iterator<SimulatedEvent> predictions) {
        this.predictions = predictions;
    }

    @Override
    public boolean hasNext() {
        return !inFlight.isEmpty() || lookahead != null || predictions.hasNext();
    }

    @Override
    public SimulatedEvent next() {
        settle();
        return inFlight.poll();
    }

    /** When the next label arrives, without taking it. */
    public long peekArrivalMillis() {
        settle();
        return inFlight.peek().labelTimeMillis();
    }

    /**
     * A copy that keeps the labels in flight of predictions before {@code firstIndex} and takes every later
     * prediction from {@code continuation} (which must start at {@code firstIndex}).
     */
    public LabelArrivalOrder fork(Iterator<SimulatedEvent> continuation, long firstIndex) {
        LabelArrivalOrder copy = new LabelArrivalOrder(continuation);
        for (SimulatedEvent event : inFlight) {
            if (event.index() < firstIndex) {
                copy.inFlight.add(event);
            }
        }
        if (lookahead != null && lookahead.index() < firstIndex) {
            copy.inFlight.add(lookahead);
        }
        return copy;
    }

    /**
     * Pulls predictions until the earliest label in flight is the next to arrive: a label may be released
     * once the next prediction was made after it arrived (label delays are non-negative).
     */
    private void settle() {
        if (!hasNext()) {
            throw new NoSuchElementException("no labels left");
        }
        while (true) {
            if (lookahead == null && predictions.hasNext()) {
                lookahead = predictions.next();
            }
            SimulatedEvent earliest = inFlight.peek();
            if (lookahead == null || earliest != null && earliest.labelTimeMillis() <= lookahead.predictionTimeMillis()) {
                return;
            }
            inFlight.add(lookahead);
            lookahead = null;
        }
    }
}
