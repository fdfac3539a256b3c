package com.ffs.validator.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code calibrate --json}: the same statistics as the table, as one JSON object; undefined values are null. */
final class CalibrationJson {

    private CalibrationJson() {
    }

    static ObjectNode of(ObjectMapper mapper, Path results, Path labels, double target, Calibrate.Join join,
            List<CheckReport> reports) {
        ObjectNode root = mapper.createObjectNode();
        root.put("results", results.toString());
        root.put("labels", labels.toString());
        root.put("target_precision", target);
        ObjectNode j = root.putObject("join");
        j.put("result_lines", join.resultLines());
        j.put("unreadable_result_lines", join.unreadable());
        j.put("label_rows", join.labelRows());
        j.put("matched", join.matched());
        j.put("matched_with_error", join.withError());
        j.put("duplicate_results", join.duplicates());
        j.put("unmatched_label_rows", join.unmatched());
        join.unmatchedShown().forEach(j.putArray("unmatched_shown")::add);
        j.put("label_problems", join.labelProblems());
        join.problemsShown().forEach(j.putArray("label_problems_shown")::add);
        ArrayNode checks = root.putArray("checks");
        for (CheckReport r : reports) {
            ObjectNode c = checks.addObject();
            c.put("label", r.target().column());
            c.put("verdict_field", r.target().verdictField());
            c.put("score_field", r.target().scoreField());
            c.put("labelled", r.samples().size());
            c.put("without_field", r.missing());
            c.put("positives", r.positives());
            c.put("negatives", r.negatives());
            number(c, "roc_auc", r.calibration().map(Calibration::rocAuc).orElse(OptionalDouble.empty()));
            number(c, "average_precision", r.calibration().map(Calibration::averagePrecision)
                    .orElse(OptionalDouble.empty()));
            ObjectNode configured = c.putObject("verdicts");
            number(configured, "precision", r.configured().precision());
            number(configured, "recall", r.configured().recall());
            choice(c, "best_f1", r.bestF1());
            choice(c, "target_precision", r.atTarget());
            r.targetMissed().ifPresentOrElse(m -> c.put("target_precision_missed", m),
                    () -> c.putNull("target_precision_missed"));
            if (r.suggested().isPresent()) {
                c.put("suggested_threshold", r.suggested().get());
            } else {
                c.putNull("suggested_threshold");
            }
            c.put("configuration", CalibrationTable.settingLine(r));
            c.put("false_positives", r.falsePositiveCount());
            c.put("false_negatives", r.falseNegativeCount());
            CalibrationTable.notes(r).forEach(c.putArray("notes")::add);
        }
        return root;
    }

    private static void choice(ObjectNode parent, String name, Optional<Calibration.Choice> choice) {
        if (choice.isEmpty()) {
            parent.putNull(name);
            return;
        }
        ObjectNode c = parent.putObject(name);
        c.put("threshold", choice.get().threshold());
        number(c, "precision", choice.get().precision());
        number(c, "recall", choice.get().recall());
        number(c, "f1", choice.get().f1());
    }

    private static void number(ObjectNode node, String name, OptionalDouble value) {
        if (value.isPresent()) {
            node.put(name, value.getAsDouble());
        } else {
            node.putNull(name);
        }
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isNaN(value)) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }
}
