package dev.losswatch.alert;

/** Quantiles of the normal and Student-t distributions, to double precision, without a math library. */
public final class Distributions {
    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    private Distributions() {
    }

    /** The standard normal quantile Φ⁻¹(p) for 0 &lt; p &lt; 1 (Wichura's AS 241, about 1e-16 relative). */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
        }
        double q = p - 0.5;
        if (Math.abs(q) <= 0.425) {
            double r = 0.180625 - q * q;
            return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                    + 133.14166789178437745) * r + 3.387132872796366608)
                    / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1.0);
        }
        double r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
        double value;
        if (r <= 5) {
            r -= 1.6;
            value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                    + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                    + 4.6303378461565452959) * r + 1.42343711074968357734)
                    / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                    + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                    + 2.05319162663775882187) * r + 1.0);
        } else {
            r -= 5;
            value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                    + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                    + 5.4637849111641143699) * r + 6.6579046435011037772)
                    / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                    + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                    + 0.59983220655588793769) * r + 1.0);
        }
        return q < 0 ? -value : value;
    }

    /**
     * The point a Student-t variable with {@code degreesOfFreedom} exceeds with probability
     * {@code upperTail}: the one-sided critical value. Large degrees of freedom give the normal quantile.
     */
    public static double studentTUpperQuantile(double upperTail, double degreesOfFreedom) {
        if (!(upperTail > 0 && upperTail < 0.5)) {
            throw new IllegalArgumentException("upper tail probability must be in (0, 0.5), got " + upperTail);
        }
        if (!(degreesOfFreedom >= 1)) {
            throw new IllegalArgumentException("degrees of freedom must be at least 1, got " + degreesOfFreedom);
        }
        double z = normalQuantile(1 - upperTail);
        if (degreesOfFreedom > 1e7) {
            return z;
        }
        double nu = degreesOfFreedom;
        // Cornish-Fisher start (Abramowitz & Stegun 26.7.5), then Newton on the exact tail.
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        double t = z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu);
        double logNormaliser = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI);
        for (int i = 0; i < 50; i++) {
            double density = Math.exp(logNormaliser - (nu + 1) / 2 * Math.log1p(t * t / nu));
            double step = (studentTUpperTail(t, nu) - upperTail) / density;
            // Newton from the tail side can overshoot towards the centre when the start is poor (tiny nu).
            double next = Math.max(t + step, t / 2);
            if (Math.abs(next - t) <= 1e-13 * Math.abs(t)) {
                return next;
            }
            t = next;
        }
        return t;
    }

    /** P(T &gt; t) for t ≥ 0: half the regularized incomplete beta I_{ν/(ν+t²)}(ν/2, 1/2). */
    static double studentTUpperTail(double t, double degreesOfFreedom) {
        double x = degreesOfFreedom / (degreesOfFreedom + t * t);
        return 0.5 * regularizedIncompleteBeta(x, degreesOfFreedom / 2, 0.5);
    }

    /** I_x(a, b) by Lentz's continued fraction (Numerical Recipes, 3rd ed., 6.4). */
    static double regularizedIncompleteBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) {
            return front * betaContinuedFraction(x, a, b) / a;
        }
        return 1 - front * betaContinuedFraction(1 - x, b, a) / b;
    }

    private static double betaContinuedFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double numerator = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + numerator * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + numerator / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            numerator = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + numerator * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + numerator / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return h;
    }

    /** ln Γ(x) for x &gt; 0 (Lanczos, g = 7, about 1e-15 relative). */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double shifted = x - 1;
        double sum = LANCZOS[0];
        double base = shifted + 7.5;
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (shifted + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(base) - base + Math.log(sum);
    }
}
