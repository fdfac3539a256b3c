package com.ffs.validator.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small inline SVG charts for the calibration report: a curve in the unit square (precision-recall as steps, ROC as
 * a polyline with the chance diagonal) and a score histogram of positives against negatives. Plain markup, no
 * script, no external reference; long curves are thinned to {@link #MAX_POINTS} points.
 */
final class SvgChart {

    static final int MAX_POINTS = 2000;
    private static final int WIDTH = 360;
    private static final int HEIGHT = 300;
    private static final int LEFT = 52;
    private static final int RIGHT = 14;
    private static final int TOP = 28;
    private static final int BOTTOM = 44;

    private SvgChart() {
    }

    /**
     * A curve through {@code points} ({x, y} in [0, 1]).
     *
     * @param kind a CSS class naming the curve (e.g. {@code pr})
     * @param steps draw as steps (horizontal, then vertical) instead of straight segments
     * @param marker a point to mark ({x, y}), or null
     */
    static String curve(String title, String xLabel, String yLabel, String kind, List<double[]> points,
            boolean steps, boolean diagonal, double[] marker) {
        StringBuilder svg = frame(title, xLabel, yLabel, 0, 1, true);
        if (diagonal) {
            svg.append("<line class=\"chance\" x1=\"").append(x(0, 0, 1)).append("\" y1=\"").append(y(0, 0, 1))
                    .append("\" x2=\"").append(x(1, 0, 1)).append("\" y2=\"").append(y(1, 0, 1))
                    .append("\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>");
        }
        List<double[]> thin = thin(points);
        StringBuilder d = new StringBuilder();
        double[] previous = null;
        for (double[] p : thin) {
            if (previous == null) {
                d.append('M').append(x(p[0], 0, 1)).append(' ').append(y(p[1], 0, 1));
            } else if (steps) {
                d.append(" H").append(x(p[0], 0, 1)).append(" V").append(y(p[1], 0, 1));
            } else {
                d.append(" L").append(x(p[0], 0, 1)).append(' ').append(y(p[1], 0, 1));
            }
            previous = p;
        }
        svg.append("<path class=\"curve ").append(kind).append("\" d=\"").append(d)
                .append("\" fill=\"none\" stroke=\"#1b7837\" stroke-width=\"2\"/>");
        if (marker != null) {
            svg.append("<circle class=\"marker\" cx=\"").append(x(marker[0], 0, 1)).append("\" cy=\"")
                    .append(y(marker[1], 0, 1)).append("\" r=\"5\" fill=\"#d95f02\"/>");
        }
        return svg.append("</svg>").toString();
    }

    /**
     * Score histograms of positives and negatives over {@code [lo, hi]}, with the threshold marked when given.
     */
    static String histogram(String title, String xLabel, double lo, double hi, long[] positives, long[] negatives,
            Double threshold) {
        long max = 1;
        for (int i = 0; i < positives.length; i++) {
            max = Math.max(max, Math.max(positives[i], negatives[i]));
        }
        StringBuilder svg = frame(title, xLabel, "images per bin (tallest " + max + ")", lo, hi, false);
        int bins = positives.length;
        double binWidth = (hi - lo) / bins;
        for (int i = 0; i < bins; i++) {
            bar(svg, "bar neg", lo + i * binWidth, lo + (i + 1) * binWidth, negatives[i], max, lo, hi, "#2c7fb8");
            bar(svg, "bar pos", lo + i * binWidth, lo + (i + 1) * binWidth, positives[i], max, lo, hi, "#c0392b");
        }
        if (threshold != null) {
            svg.append("<line class=\"threshold\" x1=\"").append(x(threshold, lo, hi)).append("\" y1=\"")
                    .append(TOP).append("\" x2=\"").append(x(threshold, lo, hi)).append("\" y2=\"")
                    .append(HEIGHT - BOTTOM).append("\" stroke=\"#d95f02\" stroke-width=\"2\"/>");
        }
        svg.append("<text x=\"").append(WIDTH - RIGHT - 4).append("\" y=\"").append(TOP + 12)
                .append("\" text-anchor=\"end\" font-size=\"11\" fill=\"#c0392b\">positives</text>");
        svg.append("<text x=\"").append(WIDTH - RIGHT - 4).append("\" y=\"").append(TOP + 26)
                .append("\" text-anchor=\"end\" font-size=\"11\" fill=\"#2c7fb8\">negatives</text>");
        return svg.append("</svg>").toString();
    }

    private static void bar(StringBuilder svg, String cls, double from, double to, long count, long max, double lo,
            double hi, String colour) {
        if (count == 0) {
            return;
        }
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double h = plotHeight * count / max;
        svg.append("<rect class=\"").append(cls).append("\" x=\"").append(x(from, lo, hi)).append("\" y=\"")
                .append(fmt(HEIGHT - BOTTOM - h)).append("\" width=\"").append(fmt(Math.max(1, Double.parseDouble(
                        x(to, lo, hi)) - Double.parseDouble(x(from, lo, hi)) - 1)))
                .append("\" height=\"")
                .append(fmt(h)).append("\" fill=\"").append(colour).append("\" fill-opacity=\"0.55\"/>");
    }

    private static StringBuilder frame(String title, String xLabel, String yLabel, double lo, double hi,
            boolean yTicks) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" font-family=\"sans-serif\">");
        svg.append("<title>").append(HtmlReport.escape(title)).append("</title>");
        svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">")
                .append(HtmlReport.escape(title)).append("</text>");
        svg.append("<rect class=\"plot\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(WIDTH - LEFT - RIGHT).append("\" height=\"").append(HEIGHT - TOP - BOTTOM)
                .append("\" fill=\"none\" stroke=\"#444\"/>");
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            svg.append("<text x=\"").append(x(v, lo, hi)).append("\" y=\"").append(HEIGHT - BOTTOM + 16)
                    .append("\" text-anchor=\"middle\" font-size=\"11\">").append(tick(v)).append("</text>");
            if (!yTicks) {
                continue;
            }
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(Double.parseDouble(
                    y(i / 4.0, 0, 1)) + 4)).append("\" text-anchor=\"end\" font-size=\"11\">").append(tick(i / 4.0))
                    .append("</text>");
        }
        svg.append("<text x=\"").append(LEFT + (WIDTH - LEFT - RIGHT) / 2).append("\" y=\"").append(HEIGHT - 8)
                .append("\" text-anchor=\"middle\" font-size=\"12\">").append(HtmlReport.escape(xLabel))
                .append("</text>");
        svg.append("<text x=\"14\" y=\"").append(TOP + (HEIGHT - TOP - BOTTOM) / 2)
                .append("\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 ")
                .append(TOP + (HEIGHT - TOP - BOTTOM) / 2).append(")\">").append(HtmlReport.escape(yLabel))
                .append("</text>");
        return svg;
    }

    private static List<double[]> thin(List<double[]> points) {
        if (points.size() <= MAX_POINTS) {
            return points;
        }
        List<double[]> out = new ArrayList<>(MAX_POINTS + 1);
        double step = (points.size() - 1) / (double) (MAX_POINTS - 1);
        for (int i = 0; i < MAX_POINTS; i++) {
            out.add(points.get((int) Math.round(i * step)));
        }
        return out;
    }

    private static String x(double v, double lo, double hi) {
        double span = hi - lo == 0 ? 1 : hi - lo;
        return fmt(LEFT + (WIDTH - LEFT - RIGHT) * (v - lo) / span);
    }

    private static String y(double v, double lo, double hi) {
        double span = hi - lo == 0 ? 1 : hi - lo;
        return fmt(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (v - lo) / span);
    }

    private static String tick(double v) {
        return CalibrationTable.number(Math.round(v * 100) / 100.0);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
