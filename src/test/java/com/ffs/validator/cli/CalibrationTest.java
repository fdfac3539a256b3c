package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Calibration statistics on small score sets whose answers were worked out by hand (in the comments: the candidate
 * thresholds from the highest, with true and false positives flagged at each).
 */
class CalibrationTest {

    private static final Offset<Double> EXACT = within(1e-12);

    private static Calibration of(double[] positives, double[] negatives) {
        double[] scores = new double[positives.length + negatives.length];
        boolean[] labels = new boolean[scores.length];
        for (int i = 0; i < positives.length; i++) {
            scores[i] = positives[i];
            labels[i] = true;
        }
        System.arraycopy(negatives, 0, scores, positives.length, negatives.length);
        return Calibration.of(scores, labels);
    }

    @Test
    void shouldScoreSeparableClassesPerfectly() {
        // 0.9 (1,0) 0.8 (2,0) 0.3 (2,1) 0.1 (2,2)
        Calibration c = of(new double[] { 0.9, 0.8 }, new double[] { 0.3, 0.1 });
        assertThat(c.rocAuc().getAsDouble()).isEqualTo(1.0);
        assertThat(c.averagePrecision().getAsDouble()).isEqualTo(1.0);
        Calibration.Choice f1 = c.bestF1().orElseThrow();
        assertThat(f1.threshold()).isEqualTo(0.8);
        assertThat(f1.precision()).isEqualTo(1.0);
        assertThat(f1.recall()).isEqualTo(1.0);
        assertThat(f1.f1()).isEqualTo(1.0);
        Calibration.Choice target = c.forPrecision(0.95).orElseThrow();
        assertThat(target.threshold()).isEqualTo(0.8);
        assertThat(target.recall()).isEqualTo(1.0);
    }

    @Test
    void shouldMatchHandWorkedValuesWhenClassesOverlap() {
        // positives 0.9 0.6 0.4, negatives 0.7 0.5 0.2:
        // 0.9 (1,0) P 1    R 1/3 | 0.7 (1,1) P 1/2 R 1/3 | 0.6 (2,1) P 2/3 R 2/3
        // 0.5 (2,2) P 1/2  R 2/3 | 0.4 (3,2) P 3/5 R 1   | 0.2 (3,3) P 1/2 R 1
        Calibration c = of(new double[] { 0.9, 0.6, 0.4 }, new double[] { 0.7, 0.5, 0.2 });
        // Pairs a positive wins: 0.9 beats all three, 0.6 beats 0.5 and 0.2, 0.4 beats 0.2: 6 of 9.
        assertThat(c.rocAuc().getAsDouble()).isCloseTo(6.0 / 9, EXACT);
        // AP = 1/3 * 1 + 1/3 * 2/3 + 1/3 * 3/5 = 34/45.
        assertThat(c.averagePrecision().getAsDouble()).isCloseTo(34.0 / 45, EXACT);
        // F1: 0.5, 0.4, 2/3, 4/7, 0.75, 2/3: best at 0.4.
        Calibration.Choice f1 = c.bestF1().orElseThrow();
        assertThat(f1.threshold()).isEqualTo(0.4);
        assertThat(f1.precision()).isCloseTo(0.6, EXACT);
        assertThat(f1.recall()).isEqualTo(1.0);
        assertThat(f1.f1()).isCloseTo(0.75, EXACT);
        // Only 0.9 reaches precision 0.95; 0.4 is the lowest threshold with precision 0.6.
        Calibration.Choice strict = c.forPrecision(0.95).orElseThrow();
        assertThat(strict.threshold()).isEqualTo(0.9);
        assertThat(strict.recall()).isCloseTo(1.0 / 3, EXACT);
        Calibration.Choice loose = c.forPrecision(0.6).orElseThrow();
        assertThat(loose.threshold()).isEqualTo(0.4);
        assertThat(loose.recall()).isEqualTo(1.0);
        // 2/3 is reached at 0.6 (P 2/3) and not below it (0.5: 1/2, 0.4: 3/5, 0.2: 1/2).
        Calibration.Choice twoThirds = c.forPrecision(2.0 / 3).orElseThrow();
        assertThat(twoThirds.threshold()).isEqualTo(0.6);
        assertThat(twoThirds.recall()).isCloseTo(2.0 / 3, EXACT);
    }

    @Test
    void shouldCountTiedScoresTogetherAndAsHalfAWin() {
        // positives 0.8 0.5, negatives 0.5 0.2: 0.8 (1,0) P 1 R 1/2 | 0.5 (2,1) P 2/3 R 1 | 0.2 (2,2) P 1/2 R 1
        Calibration c = of(new double[] { 0.8, 0.5 }, new double[] { 0.5, 0.2 });
        assertThat(c.points()).extracting(Calibration.Point::threshold).containsExactly(0.8, 0.5, 0.2);
        // Wins: 0.8 over both (2), 0.5 ties 0.5 (1/2), 0.5 over 0.2 (1): 3.5 of 4.
        assertThat(c.rocAuc().getAsDouble()).isEqualTo(0.875);
        // AP = 1/2 * 1 + 1/2 * 2/3 = 5/6.
        assertThat(c.averagePrecision().getAsDouble()).isCloseTo(5.0 / 6, EXACT);
        // F1: 2/3, 0.8, 2/3.
        Calibration.Choice f1 = c.bestF1().orElseThrow();
        assertThat(f1.threshold()).isEqualTo(0.5);
        assertThat(f1.f1()).isCloseTo(0.8, EXACT);
        assertThat(c.forPrecision(0.95).orElseThrow().threshold()).isEqualTo(0.8);
    }

    @Test
    void shouldPreferTheHigherThresholdOfEqualF1() {
        // positives 0.9 0.3, negatives 0.6 0.5: F1 2/3 at 0.9, 1/2 at 0.6, 2/5 at 0.5, 2/3 at 0.3.
        Calibration c = of(new double[] { 0.9, 0.3 }, new double[] { 0.6, 0.5 });
        Calibration.Choice f1 = c.bestF1().orElseThrow();
        assertThat(f1.threshold()).isEqualTo(0.9);
        assertThat(f1.precision()).isEqualTo(1.0);
        // Pairs: 0.9 beats both, 0.3 beats none: 2 of 4.
        assertThat(c.rocAuc().getAsDouble()).isEqualTo(0.5);
    }

    @Test
    void shouldLeaveAucUndefinedWithPositivesOnly() {
        // 0.8 (1,0) 0.3 (2,0): precision 1 everywhere.
        Calibration c = of(new double[] { 0.8, 0.3 }, new double[] {});
        assertThat(c.rocAuc()).isEmpty();
        assertThat(c.averagePrecision().getAsDouble()).isEqualTo(1.0);
        Calibration.Choice f1 = c.bestF1().orElseThrow();
        assertThat(f1.threshold()).isEqualTo(0.3);
        assertThat(f1.f1()).isEqualTo(1.0);
        assertThat(c.forPrecision(0.95).orElseThrow().threshold()).isEqualTo(0.3);
    }

    @Test
    void shouldLeaveEverythingButCountsUndefinedWithNegativesOnly() {
        Calibration c = of(new double[] {}, new double[] { 0.7, 0.1 });
        assertThat(c.positives()).isZero();
        assertThat(c.negatives()).isEqualTo(2);
        assertThat(c.rocAuc()).isEmpty();
        assertThat(c.averagePrecision()).isEmpty();
        assertThat(c.bestF1()).isEmpty();
        assertThat(c.forPrecision(0.95)).isEmpty();
    }

    @Test
    void shouldSayNoThresholdReachesAnUnreachablePrecision() {
        // positives 0.6, negatives 0.9 0.8: precision 0 at 0.9 and 0.8, 1/3 at 0.6.
        Calibration c = of(new double[] { 0.6 }, new double[] { 0.9, 0.8 });
        assertThat(c.forPrecision(0.95)).isEmpty();
        assertThat(c.highestPrecision().orElseThrow().precision()).isCloseTo(1.0 / 3, EXACT);
        assertThat(c.rocAuc().getAsDouble()).isZero();
    }

    @Test
    void shouldPrintTheShortestThresholdThatFlagsTheSameImages() {
        assertThat(Calibration.tidy(0.8234567, 0.8)).isEqualTo(0.82);
        assertThat(Calibration.tidy(0.8234567, 0.823)).isEqualTo(0.8234);
        assertThat(Calibration.tidy(0.3, 0.25)).isEqualTo(0.3);
        assertThat(Calibration.tidy(0.75, Double.NEGATIVE_INFINITY)).isEqualTo(0.0);
        // The lowest candidate has no score below it: it stays as it is, not 0 (which would flag every image).
        Calibration lowest = of(new double[] { 0.35 }, new double[] { 0.1234567 });
        assertThat(lowest.bestF1().orElseThrow().threshold()).isEqualTo(0.3);
        assertThat(lowest.forPrecision(0.1).orElseThrow().threshold()).isEqualTo(0.1234567);
        // Candidate thresholds are tidied: 0.8234567 becomes 0.82, which flags exactly what 0.8234567 flags.
        Calibration c = of(new double[] { 0.8234567, 0.95 }, new double[] { 0.8, 0.1 });
        Calibration.Choice target = c.forPrecision(1.0).orElseThrow();
        assertThat(target.threshold()).isEqualTo(0.82);
        assertThat(c.at(0.82).recall()).isEqualTo(1.0);
        assertThat(c.at(0.82).precision()).isEqualTo(1.0);
    }
}
