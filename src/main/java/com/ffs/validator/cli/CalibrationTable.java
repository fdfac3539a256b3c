package com.ffs.validator.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** {@code calibrate}'s printed form: how results and labels met, one table row per label column, the settings. */
final class CalibrationTable {

    private static final String ROW = "%-16s %8s %7s %7s %8s %9s  %-15s  %-30s  %s%n";

    private CalibrationTable() {
    }

    static String render(Path results, Path labels, double target, Calibrate.Join join, List<CheckReport> reports) {
        StringBuilder out = new StringBuilder();
        out.append(joinSummary(results, labels, join)).append('\n');
        out.append(String.format(Locale.ROOT, ROW, "label", "labelled", "pos", "neg", "ROC AUC", "avg prec",
                "verdicts P / R", "best F1: threshold (P / R / F1)", "precision >= " + number(target)
                        + ": threshold (recall)"));
        for (CheckReport r : reports) {
            out.append(String.format(Locale.ROOT, ROW, r.target().column(), r.samples().size(), r.positives(),
                    r.negatives(), r.calibration().map(c -> optional(c.rocAuc())).orElse("n/a"),
                    r.calibration().map(c -> optional(c.averagePrecision())).orElse("n/a"),
                    rate(r.configured().precision()) + " / " + rate(r.configured().recall()),
                    r.bestF1().map(c -> threshold(c.threshold()) + " (" + rate(c.precision()) + " / "
                            + rate(c.recall()) + " / " + rate(c.f1()) + ")").orElse("n/a"),
                    r.atTarget().map(c -> threshold(c.threshold()) + " (" + rate(c.recall()) + ")")
                            .orElse(r.calibration().isPresent() ? "none" : "n/a")));
        }
        StringBuilder notes = new StringBuilder();
        for (CheckReport r : reports) {
            notes(r).forEach(n -> notes.append(r.target().column()).append(": ").append(n).append('\n'));
        }
        if (!notes.isEmpty()) {
            out.append('\n').append(notes);
        }
        out.append("\nConfiguration (the lowest threshold with precision >= ").append(number(target))
                .append(", else the best F1's):\n");
        for (CheckReport r : reports) {
            out.append(settingLine(r)).append('\n');
        }
        return out.toString();
    }

    /** The lines of remarks about one label column: missing scores or fields, a target no threshold reaches. */
    static List<String> notes(CheckReport r) {
        List<String> notes = new ArrayList<>();
        if (r.missing() > 0) {
            notes.add(r.missing() + " labelled result(s) have no " + r.target().verdictField()
                    + " field (another action?) and are left out");
        }
        if (r.samples().isEmpty()) {
            notes.add("no labelled result has " + r.target().verdictField());
        } else if (r.calibration().isEmpty()) {
            notes.add("the results have no numeric " + r.target().scoreField()
                    + ": only the verdicts' precision and recall are shown");
        } else {
            if (r.positives() == 0 || r.negatives() == 0) {
                notes.add("only " + (r.positives() == 0 ? "negatives" : "positives")
                        + " are labelled: ROC AUC is undefined" + (r.positives() == 0
                                ? ", and so are average precision and F1"
                                : ""));
            }
            r.targetMissed().ifPresent(notes::add);
        }
        return notes;
    }

    /** The configuration line of one label column (a comment when no property is known or no threshold found). */
    static String settingLine(CheckReport r) {
        if (r.suggested().isEmpty()) {
            return "# " + r.target().column() + ": no threshold to suggest";
        }
        return r.configLine().orElse("# " + r.target().column() + ": suggested threshold "
                + threshold(r.suggested().get()) + " on " + r.target().scoreField());
    }

    static String joinSummary(Path results, Path labels, Calibrate.Join join) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "calibrate: %s: %,d result lines", results, join.resultLines()));
        if (join.unreadable() > 0) {
            out.append(String.format(Locale.ROOT, " (%,d not bulk output, skipped)", join.unreadable()));
        }
        out.append(String.format(Locale.ROOT, "; %s: %,d label rows, %,d with a result (%,d of them errors, left "
                + "out), %,d without a result%n", labels, join.labelRows(), join.matched(), join.withError(),
                join.unmatched()));
        if (join.duplicates() > 0) {
            out.append(String.format(Locale.ROOT, "calibrate: %,d further result lines for an already matched label "
                    + "row were ignored%n", join.duplicates()));
        }
        if (join.unmatched() > 0) {
            out.append("calibrate: label rows without a result: ").append(String.join("; ", join.unmatchedShown()))
                    .append(join.unmatched() > join.unmatchedShown().size() ? "; ..." : "").append('\n');
        }
        if (join.labelProblems() > 0) {
            out.append(String.format(Locale.ROOT, "calibrate: %,d label row(s) or value(s) not used: ",
                    join.labelProblems())).append(String.join("; ", join.problemsShown()))
                    .append(join.labelProblems() > join.problemsShown().size() ? "; ..." : "").append('\n');
        }
        return out.toString();
    }

    /** A threshold as short as it can be printed and still be the same number. */
    static String threshold(double t) {
        return BigDecimal.valueOf(t).stripTrailingZeros().toPlainString();
    }

    static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    static String rate(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String optional(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.4f", v.getAsDouble()) : "n/a";
    }
}
