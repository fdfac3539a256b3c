package com.ffs.validator.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code calibrate} found for one label column: counts, the verdicts' precision and recall, and when the results
 * carry scores, the curves, the best-F1 and target-precision thresholds, the suggested threshold and the images it
 * gets wrong.
 *
 * @param target the label column and the result fields it is checked against
 * @param samples labelled results that have the verdict field
 * @param missing labelled results without the verdict field (e.g. another action)
 * @param positives samples labelled true
 * @param negatives samples labelled false
 * @param configured precision and recall of the verdicts in the results (the service's threshold)
 * @param calibration the threshold statistics; empty when the results carry no score
 * @param bestF1 the threshold with the best F1
 * @param atTarget the lowest threshold that reaches the target precision
 * @param highestPrecision the best precision any threshold reaches, to say how far a missed target is
 * @param targetPrecision the target precision
 * @param suggested the threshold to use: the target's if reached, else the best F1's
 * @param falsePositives negatives flagged at the suggested threshold, highest score first (at most
 *        {@link #SHOWN})
 * @param falseNegatives positives not flagged at the suggested threshold, lowest score first (at most
 *        {@link #SHOWN})
 * @param falsePositiveCount all negatives flagged at the suggested threshold
 * @param falseNegativeCount all positives not flagged at it
 */
record CheckReport(LabelTarget target, List<Sample> samples, long missing, long positives, long negatives,
        Calibration.Choice configured, Optional<Calibration> calibration, Optional<Calibration.Choice> bestF1,
        Optional<Calibration.Choice> atTarget, Optional<Calibration.Choice> highestPrecision, double targetPrecision,
        Optional<Double> suggested, List<Sample> falsePositives, List<Sample> falseNegatives, long falsePositiveCount,
        long falseNegativeCount) {

    /** Misclassified images listed per kind. */
    static final int SHOWN = 200;

    /**
     * One labelled result.
     *
     * @param url the image as the output shows it
     * @param id the caller's id, or null
     * @param score its score, NaN when the result has none
     * @param positive its label
     * @param verdict the service's verdict in the result
     */
    record Sample(String url, String id, double score, boolean positive, boolean verdict) {
    }

    static CheckReport of(LabelTarget target, List<Sample> samples, long missing, double targetPrecision) {
        long positives = samples.stream().filter(Sample::positive).count();
        long negatives = samples.size() - positives;
        long tp = samples.stream().filter(s -> s.positive() && s.verdict()).count();
        long fp = samples.stream().filter(s -> !s.positive() && s.verdict()).count();
        double precision = tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        double recall = positives == 0 ? Double.NaN : (double) tp / positives;
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        Calibration.Choice configured = new Calibration.Choice(Double.NaN, precision, recall, f1);
        boolean scored = !samples.isEmpty() && samples.stream().noneMatch(s -> Double.isNaN(s.score()));
        if (!scored) {
            return new CheckReport(target, samples, missing, positives, negatives, configured, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), targetPrecision, Optional.empty(), List.of(),
                    List.of(), 0, 0);
        }
        double[] scores = samples.stream().mapToDouble(Sample::score).toArray();
        boolean[] labels = new boolean[samples.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = samples.get(i).positive();
        }
        Calibration calibration = Calibration.of(scores, labels);
        Optional<Calibration.Choice> bestF1 = calibration.bestF1();
        Optional<Calibration.Choice> atTarget = calibration.forPrecision(targetPrecision);
        Optional<Double> suggested = atTarget.or(() -> bestF1).map(Calibration.Choice::threshold);
        List<Sample> falsePositives = new ArrayList<>();
        List<Sample> falseNegatives = new ArrayList<>();
        if (suggested.isPresent()) {
            double t = suggested.get();
            for (Sample s : samples) {
                if (!s.positive() && s.score() >= t) {
                    falsePositives.add(s);
                } else if (s.positive() && s.score() < t) {
                    falseNegatives.add(s);
                }
            }
            falsePositives.sort(Comparator.comparingDouble(Sample::score).reversed());
            falseNegatives.sort(Comparator.comparingDouble(Sample::score));
        }
        return new CheckReport(target, samples, missing, positives, negatives, configured, Optional.of(calibration),
                bestF1, atTarget, calibration.highestPrecision(), targetPrecision, suggested,
                List.copyOf(falsePositives.subList(0, Math.min(SHOWN, falsePositives.size()))),
                List.copyOf(falseNegatives.subList(0, Math.min(SHOWN, falseNegatives.size()))),
                falsePositives.size(), falseNegatives.size());
    }

    /** The configuration line to paste, when the column's threshold property is known. */
    Optional<String> configLine() {
        return suggested.flatMap(t -> target.configKey().map(key -> key + "=" + CalibrationTable.threshold(t)));
    }

    /** Why there is no threshold at the target precision, in words; empty when there is one. */
    Optional<String> targetMissed() {
        if (atTarget.isPresent() || calibration.isEmpty()) {
            return Optional.empty();
        }
        String best = highestPrecision.map(c -> String.format(Locale.ROOT,
                " (the best is %.3f at threshold %s)", c.precision(), CalibrationTable.threshold(c.threshold())))
                .orElse(positives == 0 ? " (no positives are labelled)" : "");
        return Optional.of("no threshold reaches precision " + CalibrationTable.number(targetPrecision) + best);
    }
}
