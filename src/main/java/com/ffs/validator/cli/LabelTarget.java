package com.ffs.validator.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a label column is checked against: {@code nsfw} and {@code fashion} name their checks ({@code nsfw.is_nsfw}
 * scored by {@code nsfw.score}), {@code quality} names the quality verdict ({@code quality.passes}, scored by
 * {@code quality.sharpness}, the figure {@code validator.quality.min-sharpness} limits); any other column named as a dotted
 * path (e.g. {@code quality.passes}) names a boolean
 * result field, scored by the {@code score} field next to it when there is one.
 *
 * @param column the label file's column
 * @param verdictPath the boolean result field
 * @param scorePath the numeric score next to it
 * @param configKey the service property that holds its threshold, when known
 */
record LabelTarget(String column, List<String> verdictPath, List<String> scorePath, Optional<String> configKey) {

    /** The target a column names; empty for columns that are not labels (e.g. notes). */
    static Optional<LabelTarget> of(String column) {
        String name = column.strip();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("nsfw") || lower.equals("nsfw.is_nsfw")) {
            return Optional.of(new LabelTarget(name, List.of("nsfw", "is_nsfw"), List.of("nsfw", "score"),
                    Optional.of("validator.nsfw.threshold")));
        }
        if (lower.equals("fashion") || lower.equals("fashion.is_fashion")) {
            return Optional.of(new LabelTarget(name, List.of("fashion", "is_fashion"), List.of("fashion", "score"),
                    Optional.of("validator.fashion.threshold")));
        }
        if (lower.equals("quality") || lower.equals("quality.passes")) {
            // The quality verdict combines several limits; its sharpness is the figure a threshold is chosen for.
            return Optional.of(new LabelTarget(name, List.of("quality", "passes"), List.of("quality", "sharpness"),
                    Optional.of("validator.quality.min-sharpness")));
        }
        if (!name.contains(".") || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return Optional.empty();
        }
        List<String> path = List.of(name.split("\\."));
        List<String> score = new ArrayList<>(path.subList(0, path.size() - 1));
        score.add("score");
        return Optional.of(new LabelTarget(name, path, List.copyOf(score), Optional.empty()));
    }

    String verdictField() {
        return String.join(".", verdictPath);
    }

    String scoreField() {
        return String.join(".", scorePath);
    }

    /** The node at {@code path} (object fields; whole numbers index arrays), or a missing node. */
    static JsonNode at(JsonNode root, List<String> path) {
        JsonNode node = root;
        for (String step : path) {
            if (node.isArray() && step.chars().allMatch(Character::isDigit) && step.length() < 10) {
                node = node.path(Integer.parseInt(step));
            } else {
                node = node.path(step);
            }
        }
        return node;
    }
}
