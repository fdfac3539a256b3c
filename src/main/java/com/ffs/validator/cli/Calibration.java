package com.ffs.validator.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How well one check's scores separate labelled images, and which thresholds to pick. An image is flagged when its
 * score is at least the threshold (as the service decides {@code is_nsfw}); the candidate thresholds are the
 * distinct scores, so tied scores are always flagged together.
 *
 * <ul>
 * <li>ROC AUC: the area under the ROC curve through every threshold (trapezoids), which equals the chance that a
 * random positive scores above a random negative, ties counting half. Undefined with one class only.</li>
 * <li>Average precision: scikit-learn's step-wise definition, the sum over thresholds (highest first) of the recall
 * gained times the precision there, {@code AP = sum_k (R_k - R_(k-1)) * P_k}, no interpolation. Undefined without
 * positives.</li>
 * <li>Best F1: the threshold with the highest F1; of equal F1 the higher threshold.</li>
 * <li>Target precision: the lowest threshold whose precision is at least the target (the most recall at that
 * precision), or none.</li>
 * </ul>
 * A chosen threshold is given as the shortest decimal that flags exactly the same images as the score it stands for
 * (at most that score, above the next lower one; the lowest score as it is), so it can be pasted into the
 * configuration as it is printed.
 * Immutable.
 */
final class Calibration {

    /**
     * One candidate threshold and what flagging at it gives.
     *
     * @param threshold the score images must reach
     * @param truePositives positives flagged
     * @param falsePositives negatives flagged
     */
    record Point(double threshold, long truePositives, long falsePositives) {
    }

    /**
     * A threshold with its precision, recall and F1.
     */
    record Choice(double threshold, double precision, double recall, double f1) {
    }

    private final long positives;
    private final long negatives;
    private final List<Point> points;

    private Calibration(long positives, long negatives, List<Point> points) {
        this.positives = positives;
        this.negatives = negatives;
        this.points = points;
    }

    /** The statistics of {@code scores[i]} labelled {@code positive[i]}. */
    static Calibration of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException("one label per score");
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<Point> points = new ArrayList<>();
        long tp = 0;
        long fp = 0;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            if (positive[i]) {
                tp++;
            } else {
                fp++;
            }
            boolean lastOfTie = k + 1 == order.length || scores[order[k + 1]] != scores[i];
            if (lastOfTie) {
                points.add(new Point(scores[i], tp, fp));
            }
        }
        return new Calibration(tp, fp, List.copyOf(points));
    }

    long positives() {
        return positives;
    }

    long negatives() {
        return negatives;
    }

    /** The candidate thresholds, highest first. */
    List<Point> points() {
        return points;
    }

    OptionalDouble rocAuc() {
        if (positives == 0 || negatives == 0) {
            return OptionalDouble.empty();
        }
        // Twice the area in units of (1/N) x (1/P), exact in whole numbers.
        long twiceArea = 0;
        long tp = 0;
        long fp = 0;
        for (Point p : points) {
            twiceArea += (p.falsePositives() - fp) * (p.truePositives() + tp);
            tp = p.truePositives();
            fp = p.falsePositives();
        }
        return OptionalDouble.of(twiceArea / (2.0 * positives * negatives));
    }

    OptionalDouble averagePrecision() {
        if (positives == 0) {
            return OptionalDouble.empty();
        }
        double sum = 0;
        long tp = 0;
        for (Point p : points) {
            sum += (double) (p.truePositives() - tp) / positives * precision(p);
            tp = p.truePositives();
        }
        return OptionalDouble.of(sum);
    }

    Optional<Choice> bestF1() {
        if (positives == 0) {
            return Optional.empty();
        }
        Choice best = null;
        for (int k = 0; k < points.size(); k++) {
            Choice c = choice(k);
            if (best == null || c.f1() > best.f1()) {
                best = c;
            }
        }
        return Optional.of(best);
    }

    /** The lowest threshold whose precision reaches {@code target}, if any does. */
    Optional<Choice> forPrecision(double target) {
        Choice lowest = null;
        for (int k = 0; k < points.size(); k++) {
            Point p = points.get(k);
            if (p.truePositives() > 0 && precision(p) >= target) {
                lowest = choice(k);
            }
        }
        return Optional.ofNullable(lowest);
    }

    /** The best precision any threshold reaches (with recall above zero), for saying how far off a target is. */
    Optional<Choice> highestPrecision() {
        Choice best = null;
        for (int k = 0; k < points.size(); k++) {
            Point p = points.get(k);
            if (p.truePositives() > 0 && (best == null || precision(p) > best.precision())) {
                best = choice(k);
            }
        }
        return Optional.ofNullable(best);
    }

    /** What flagging at {@code threshold} gives (any value, not only a candidate). */
    Choice at(double threshold) {
        Point flagged = new Point(threshold, 0, 0);
        for (Point p : points) {
            if (p.threshold() >= threshold) {
                flagged = new Point(threshold, p.truePositives(), p.falsePositives());
            }
        }
        return choice(flagged);
    }

    /** The choice of candidate {@code k}, its threshold tidied. */
    private Choice choice(int k) {
        Point p = points.get(k);
        double below = k + 1 < points.size() ? points.get(k + 1).threshold() : Math.nextDown(p.threshold());
        Choice exact = choice(p);
        return new Choice(tidy(p.threshold(), below), exact.precision(), exact.recall(), exact.f1());
    }

    /** The shortest decimal in {@code (below, threshold]}: it flags the same images as {@code threshold}. */
    static double tidy(double threshold, double below) {
        if (Double.isInfinite(threshold) || Double.isNaN(threshold)) {
            return threshold;
        }
        BigDecimal exact = BigDecimal.valueOf(threshold);
        for (int digits = 0; digits <= 17; digits++) {
            double candidate = exact.setScale(digits, RoundingMode.FLOOR).doubleValue();
            if (candidate > below && candidate <= threshold) {
                return candidate;
            }
        }
        return threshold;
    }

    private Choice choice(Point p) {
        double precision = precision(p);
        double recall = positives == 0 ? Double.NaN : (double) p.truePositives() / positives;
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new Choice(p.threshold(), precision, recall, f1);
    }

    private static double precision(Point p) {
        long flagged = p.truePositives() + p.falsePositives();
        return flagged == 0 ? Double.NaN : (double) p.truePositives() / flagged;
    }
}
