package io.riskgate.report;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Small inline SVG charts for the offline dashboard: stacked bars and a line, with axis labels. */
final class SvgChart {
    static final int WIDTH = 640;
    static final int HEIGHT = 220;
    private static final int LEFT = 48;
    private static final int BOTTOM = 28;
    private static final int TOP = 12;

    private SvgChart() {
    }

    /** Bars of {@code total} with the {@code part} of each drawn over it in the second colour. */
    static String stackedBars(String title, List<String> labels, List<Double> total, List<Double> part, String totalName, String partName) {
        double max = Math.max(1, total.stream().mapToDouble(Double::doubleValue).max().orElse(1));
        StringBuilder svg = open(title, max, v -> format(v));
        int n = Math.max(1, labels.size());
        double slot = (WIDTH - LEFT - 8) / (double) n;
        double bar = Math.max(1, slot * 0.7);
        for (int i = 0; i < labels.size(); i++) {
            double x = LEFT + i * slot + (slot - bar) / 2;
            double h = plotHeight() * total.get(i) / max;
            double hp = plotHeight() * part.get(i) / max;
            svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s: %s %s, %s %s</title></rect>",
                    x, y(h), bar, h, Html.escape(labels.get(i)), format(total.get(i)), Html.escape(totalName), format(part.get(i)), Html.escape(partName)));
            svg.append(String.format(Locale.ROOT, "<rect class=\"bar-part\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x, y(hp), bar, hp));
        }
        labels(svg, labels, slot);
        return svg.append("</svg>").toString();
    }

    /** A line through the values that exist (null values leave a gap). */
    static String line(String title, List<String> labels, List<Double> values, Function<Double, String> axis) {
        double max = Math.max(1e-9, values.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(1));
        StringBuilder svg = open(title, max, axis);
        int n = Math.max(1, labels.size());
        double slot = (WIDTH - LEFT - 8) / (double) n;
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v == null) {
                continue;
            }
            double x = LEFT + i * slot + slot / 2;
            double yy = y(plotHeight() * v / max);
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, yy));
            svg.append(String.format(Locale.ROOT, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>%s: %s</title></circle>",
                    x, yy, Html.escape(labels.get(i)), Html.escape(axis.apply(v))));
        }
        if (path.length() > 0) {
            svg.append("<path class=\"line\" d=\"").append(path).append("\"/>");
        }
        labels(svg, labels, slot);
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(String title, double max, Function<Double, String> axis) {
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" class=\"chart\">", WIDTH, HEIGHT, Html.escape(title)));
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double yy = y(plotHeight() * i / 4.0);
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", LEFT, WIDTH - 4, yy, yy));
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, yy + 4,
                    Html.escape(axis.apply(v))));
        }
        return svg;
    }

    private static void labels(StringBuilder svg, List<String> labels, double slot) {
        int every = Math.max(1, (int) Math.ceil(labels.size() / 8.0));
        for (int i = 0; i < labels.size(); i += every) {
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    LEFT + i * slot + slot / 2, HEIGHT - 8, Html.escape(labels.get(i))));
        }
    }

    private static double plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    private static double y(double height) {
        return HEIGHT - BOTTOM - height;
    }

    static String format(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
