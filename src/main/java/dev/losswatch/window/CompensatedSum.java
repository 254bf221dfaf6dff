package dev.losswatch.window;

/**
 * A running sum with Neumaier's compensation: the rounding error of every addition is collected in a
 * second term, so the result is as accurate as if the sum were carried in about twice the precision and
 * hardly depends on the order of the terms. Two partial sums merge by adding both parts, which keeps a
 * sum aggregated in two stages equal to the one-stage sum up to the final rounding.
 */
final class CompensatedSum {
    private double sum;
    private double compensation;

    void add(double term) {
        double next = sum + term;
        if (Math.abs(sum) >= Math.abs(term)) {
            compensation += (sum - next) + term;
        } else {
            compensation += (term - next) + sum;
        }
        sum = next;
    }

    void add(CompensatedSum other) {
        add(other.sum);
        compensation += other.compensation;
    }

    double value() {
        return sum + compensation;
    }

    double rawSum() {
        return sum;
    }

    double rawCompensation() {
        return compensation;
    }

    void restore(double rawSum, double rawCompensation) {
        sum = rawSum;
        compensation = rawCompensation;
    }
}
