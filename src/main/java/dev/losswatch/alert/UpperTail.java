package dev.losswatch.alert;

import java.util.Arrays;

/**
 * The largest losses seen, kept exactly (a bounded min-heap). A quantile sketch spreads its error evenly
 * over ranks, so the top 0.1% of a loss distribution, which decides both the winsorizing cap and the
 * false-alarm rate of the sequential detector, is where it is least reliable; these values make it exact
 * for reference periods of up to {@code capacity / 0.001} events.
 */
final class UpperTail {
    static final int CAPACITY = 1024;

    /** Min-heap of the kept values; heap[0] is the smallest of them. */
    private final double[] heap;
    private int size;

    UpperTail() {
        this(new double[CAPACITY], 0);
    }

    private UpperTail(double[] heap, int size) {
        this.heap = heap;
        this.size = size;
    }

    /** Rebuilds a tail from its values in any order. */
    static UpperTail of(double[] values) {
        if (values.length > CAPACITY) {
            throw new IllegalArgumentException("an upper tail keeps at most " + CAPACITY + " values, got " + values.length);
        }
        UpperTail tail = new UpperTail();
        for (double value : values) {
            tail.add(value);
        }
        return tail;
    }

    void add(double value) {
        if (size < heap.length) {
            heap[size] = value;
            siftUp(size++);
        } else if (value > heap[0]) {
            heap[0] = value;
            siftDown(0);
        }
    }

    /** The kept values, ascending. */
    double[] sortedValues() {
        double[] sorted = Arrays.copyOf(heap, size);
        Arrays.sort(sorted);
        return sorted;
    }

    int size() {
        return size;
    }

    UpperTail copy() {
        return new UpperTail(heap.clone(), size);
    }

    private void siftUp(int index) {
        int child = index;
        while (child > 0) {
            int parent = (child - 1) / 2;
            if (heap[parent] <= heap[child]) {
                return;
            }
            swap(parent, child);
            child = parent;
        }
    }

    private void siftDown(int index) {
        int parent = index;
        while (true) {
            int smallest = parent;
            int left = 2 * parent + 1;
            int right = left + 1;
            if (left < size && heap[left] < heap[smallest]) {
                smallest = left;
            }
            if (right < size && heap[right] < heap[smallest]) {
                smallest = right;
            }
            if (smallest == parent) {
                return;
            }
            swap(parent, smallest);
            parent = smallest;
        }
    }

    private void swap(int a, int b) {
        double held = heap[a];
        heap[a] = heap[b];
        heap[b] = held;
    }
}
