package com.ffs.validator.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * {@code calibrate --report}: one self-contained HTML file (inline style and SVG; no script, font, style sheet or
 * image from anywhere else) with the table, per label column its precision-recall and ROC curves and score
 * histograms, the images misclassified at the suggested threshold (as links), and the configuration to paste.
 * Written as well-formed XML too, so that it can be checked by a parser.
 */
final class HtmlReport {

    private static final int BINS = 20;

    private HtmlReport() {
    }

    static String render(Path results, Path labels, double target, Calibrate.Join join, List<CheckReport> reports) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head>"
                + "<meta charset=\"utf-8\"/><title>ffs-validator calibration</title><style>"
                + "body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
                + "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                + "text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}"
                + ".charts{display:flex;flex-wrap:wrap;gap:12px}pre{background:#f6f6f6;padding:10px}"
                + "ol{font-size:13px}li a{word-break:break-all}.note{color:#7a4b00}"
                + "</style></head><body>\n");
        html.append("<h1>ffs-validator calibration</h1>\n");
        html.append("<p>Results <code>").append(escape(results.toString())).append("</code>, labels <code>")
                .append(escape(labels.toString())).append("</code>, target precision ")
                .append(CalibrationTable.number(target)).append(". An image is flagged when its score is at least "
                        + "the threshold.</p>\n");
        html.append("<pre class=\"join\">").append(escape(CalibrationTable.joinSummary(results, labels, join)))
                .append("</pre>\n");
        html.append(table(target, reports));
        html.append("<h2>Configuration</h2>\n<p>The lowest threshold with precision of at least ")
                .append(CalibrationTable.number(target)).append(", else the best F1's:</p>\n<pre class=\"config\">");
        for (CheckReport r : reports) {
            html.append(escape(CalibrationTable.settingLine(r))).append('\n');
        }
        html.append("</pre>\n");
        for (CheckReport r : reports) {
            html.append(section(r));
        }
        html.append("<p>Average precision is scikit-learn's step-wise sum over thresholds of recall gained times "
                + "precision; ROC AUC counts ties as half.</p>\n</body></html>\n");
        return html.toString();
    }

    private static String table(double target, List<CheckReport> reports) {
        StringBuilder t = new StringBuilder("<table class=\"summary\"><tr><th class=\"l\">label</th><th>labelled"
                + "</th><th>positives</th><th>negatives</th><th>ROC AUC</th><th>average precision</th>"
                + "<th>verdicts P / R</th><th>best F1: threshold (P / R / F1)</th><th>precision &gt;= "
                + CalibrationTable.number(target) + ": threshold (recall)</th></tr>\n");
        for (CheckReport r : reports) {
            t.append("<tr><td class=\"l\">").append(escape(r.target().column())).append("</td><td>")
                    .append(r.samples().size()).append("</td><td>").append(r.positives()).append("</td><td>")
                    .append(r.negatives()).append("</td><td>")
                    .append(r.calibration().map(c -> optional(c.rocAuc())).orElse("n/a")).append("</td><td>")
                    .append(r.calibration().map(c -> optional(c.averagePrecision())).orElse("n/a"))
                    .append("</td><td>").append(CalibrationTable.rate(r.configured().precision())).append(" / ")
                    .append(CalibrationTable.rate(r.configured().recall())).append("</td><td>")
                    .append(r.bestF1().map(c -> CalibrationTable.threshold(c.threshold()) + " ("
                            + CalibrationTable.rate(c.precision()) + " / " + CalibrationTable.rate(c.recall()) + " / "
                            + CalibrationTable.rate(c.f1()) + ")").orElse("n/a"))
                    .append("</td><td>")
                    .append(r.atTarget().map(c -> CalibrationTable.threshold(c.threshold()) + " ("
                            + CalibrationTable.rate(c.recall()) + ")").orElse(r.calibration().isPresent() ? "none"
                                    : "n/a"))
                    .append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static String section(CheckReport r) {
        StringBuilder s = new StringBuilder();
        String name = r.target().column();
        s.append("<h2 id=\"").append(escape(anchor(name))).append("\">").append(escape(name)).append("</h2>\n");
        s.append("<p>Verdict <code>").append(escape(r.target().verdictField())).append("</code>, score <code>")
                .append(escape(r.target().scoreField())).append("</code>: ").append(r.positives())
                .append(" positives, ").append(r.negatives()).append(" negatives.</p>\n");
        for (String note : CalibrationTable.notes(r)) {
            s.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
        }
        if (r.calibration().isEmpty()) {
            return s.toString();
        }
        Calibration c = r.calibration().get();
        double[] marker = null;
        double[] rocMarker = null;
        if (r.suggested().isPresent()) {
            Calibration.Choice at = c.at(r.suggested().get());
            marker = new double[] { at.recall(), at.precision() };
            long flaggedNegatives = c.points().stream().filter(p -> p.threshold() >= r.suggested().get())
                    .mapToLong(Calibration.Point::falsePositives).max().orElse(0);
            rocMarker = new double[] { r.negatives() == 0 ? 0 : (double) flaggedNegatives / r.negatives(),
                    at.recall() };
        }
        s.append("<div class=\"charts\">\n");
        if (r.positives() > 0) {
            s.append(SvgChart.curve("Precision-recall: " + name, "recall", "precision", "pr", prPoints(c), true,
                    false, marker)).append('\n');
        }
        if (r.positives() > 0 && r.negatives() > 0) {
            s.append(SvgChart.curve("ROC: " + name, "false positive rate", "true positive rate", "roc",
                    rocPoints(c), false, true, rocMarker)).append('\n');
        }
        s.append(histogram(r)).append("\n</div>\n");
        if (r.suggested().isPresent()) {
            String t = CalibrationTable.threshold(r.suggested().get());
            s.append("<h3>Misclassified at threshold ").append(t).append("</h3>\n");
            s.append(list("False positives (labelled negative, score &gt;= " + t + ")", r.falsePositives(),
                    r.falsePositiveCount()));
            s.append(list("False negatives (labelled positive, score &lt; " + t + ")", r.falseNegatives(),
                    r.falseNegativeCount()));
        }
        return s.toString();
    }

    private static String histogram(CheckReport r) {
        double lo = 0;
        double hi = 1;
        for (CheckReport.Sample sample : r.samples()) {
            lo = Math.min(lo, sample.score());
            hi = Math.max(hi, sample.score());
        }
        long[] positives = new long[BINS];
        long[] negatives = new long[BINS];
        for (CheckReport.Sample sample : r.samples()) {
            int bin = (int) Math.min(BINS - 1, Math.floor((sample.score() - lo) / (hi - lo) * BINS));
            (sample.positive() ? positives : negatives)[bin]++;
        }
        return SvgChart.histogram("Scores: " + r.target().column(), r.target().scoreField(), lo, hi, positives,
                negatives, r.suggested().orElse(null));
    }

    /** Precision against recall, from recall 0 at the highest threshold's precision, as steps. */
    static List<double[]> prPoints(Calibration c) {
        List<double[]> points = new ArrayList<>();
        for (Calibration.Point p : c.points()) {
            double precision = (double) p.truePositives() / (p.truePositives() + p.falsePositives());
            double recall = (double) p.truePositives() / c.positives();
            if (points.isEmpty()) {
                points.add(new double[] { 0, precision });
            }
            points.add(new double[] { recall, precision });
        }
        return points;
    }

    /** True against false positive rate, from (0, 0). */
    static List<double[]> rocPoints(Calibration c) {
        List<double[]> points = new ArrayList<>();
        points.add(new double[] { 0, 0 });
        for (Calibration.Point p : c.points()) {
            points.add(new double[] { (double) p.falsePositives() / c.negatives(),
                    (double) p.truePositives() / c.positives() });
        }
        return points;
    }

    private static String list(String title, List<CheckReport.Sample> samples, long count) {
        StringBuilder s = new StringBuilder("<h4>").append(title).append(": ").append(count).append("</h4>\n");
        if (samples.isEmpty()) {
            return s.toString();
        }
        s.append("<ol>");
        for (CheckReport.Sample sample : samples) {
            String label = (sample.id() != null ? sample.id() + " " : "") + (sample.url() == null ? "" : sample.url());
            s.append("<li>").append(String.format(Locale.ROOT, "%.4f ", sample.score()));
            if (sample.url() != null && (sample.url().startsWith("http://") || sample.url().startsWith("https://"))) {
                s.append("<a href=\"").append(escape(sample.url())).append("\" rel=\"noreferrer\">")
                        .append(escape(label)).append("</a>");
            } else {
                s.append(escape(label));
            }
            s.append("</li>");
        }
        s.append("</ol>\n");
        if (count > samples.size()) {
            s.append("<p>... and ").append(count - samples.size()).append(" more.</p>\n");
        }
        return s.toString();
    }

    private static String optional(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.4f", v.getAsDouble()) : "n/a";
    }

    private static String anchor(String name) {
        return "check-" + name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** Text for HTML and XML: the five special characters escaped, control characters dropped. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (ch >= 0x20 || ch == '\n' || ch == '\t') {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }
}
