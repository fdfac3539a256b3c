package com.ffs.validator.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.cli.CommandLine.Option;

/**
 * The {@code calibrate} subcommand: joins {@code bulk}'s results to a label file, and per label column prints the
 * threshold statistics (a table, or JSON) and writes an HTML report. Plain Java: no models, no port.
 */
final class Calibrate {

    static final CommandLine COMMAND = new CommandLine("calibrate",
            "java -jar quarkus-run.jar calibrate --results FILE --labels FILE [options]",
            """
                    Measures the checks on your labelled images and suggests thresholds. FILE of --results is the output of
                    bulk; the label file is a CSV with a 'url' or 'id' column and label columns 'nsfw', 'fashion' or any
                    boolean result field path (e.g. nsfw.is_nsfw, quality.passes), with 1/0, true/false or yes/no.
                    Per label column: positives and negatives, ROC AUC, average precision (step-wise, as scikit-learn's),
                    precision and recall of the results' verdicts, the threshold with the best F1, and the lowest threshold
                    that reaches the target precision. Images flagged when score >= threshold, as the service decides.
                    """,
            List.of(
                    Option.valued("results", "FILE", "bulk's JSON Lines output"),
                    Option.valued("labels", "FILE", "CSV of labels: url or id, then label columns"),
                    Option.valued("target-precision", "P", "precision the suggested threshold must reach\n"
                            + "(default 0.95)"),
                    Option.valued("report", "FILE", "write a self-contained HTML report (curves, histograms,\n"
                            + "misclassified images, configuration to paste)"),
                    Option.flag("json", "print the statistics as JSON instead of a table")));

    /** Unmatched label rows listed by line. */
    private static final int UNMATCHED_SHOWN = 10;

    /**
     * How the label file and the results met.
     *
     * @param resultLines lines in the results file
     * @param unreadable result lines that are not bulk output
     * @param labelRows usable label rows
     * @param matched label rows with a result
     * @param withError of those, results that are errors (not counted in the statistics)
     * @param duplicates result lines for a label row that already had one (ignored)
     * @param unmatched label rows without a result
     * @param unmatchedShown the first of them
     * @param labelProblems label rows or values that could not be used
     * @param problemsShown the first of those
     */
    record Join(long resultLines, long unreadable, long labelRows, long matched, long withError, long duplicates,
            long unmatched, List<String> unmatchedShown, long labelProblems, List<String> problemsShown) {
    }

    private Calibrate() {
    }

    /** Runs the command; returns the exit status. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            CommandLine.Parsed parsed = COMMAND.parse(args);
            if (parsed.help()) {
                out.print(COMMAND.help());
                return ExitCodes.OK;
            }
            Path results = Path.of(parsed.required("results"));
            Path labelsFile = Path.of(parsed.required("labels"));
            double target = parsed.number("target-precision", 0.95, Double.MIN_VALUE, 1.0);
            ObjectMapper mapper = new ObjectMapper();
            Labels labels = Labels.read(labelsFile);
            List<List<CheckReport.Sample>> samples = new ArrayList<>();
            long[] missing = new long[labels.targets().size()];
            for (int t = 0; t < labels.targets().size(); t++) {
                samples.add(new ArrayList<>());
            }
            Join join = join(results, labels, mapper, samples, missing);
            List<CheckReport> reports = new ArrayList<>();
            for (int t = 0; t < labels.targets().size(); t++) {
                reports.add(CheckReport.of(labels.targets().get(t), samples.get(t), missing[t], target));
            }
            if (parsed.flag("json")) {
                out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(
                        CalibrationJson.of(mapper, results, labelsFile, target, join, reports)));
            } else {
                out.print(CalibrationTable.render(results, labelsFile, target, join, reports));
            }
            if (parsed.get("report").isPresent()) {
                Path report = Path.of(parsed.get("report").get());
                Files.writeString(report, HtmlReport.render(results, labelsFile, target, join, reports));
                err.println("calibrate: report written to " + report);
            }
            return ExitCodes.OK;
        } catch (CliFailure e) {
            err.println(e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            err.println("calibrate: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    /** Reads the results and collects, per label column, the labelled results. */
    static Join join(Path results, Labels labels, ObjectMapper mapper, List<List<CheckReport.Sample>> samples,
            long[] missing) throws CliFailure {
        long lines = 0;
        long unreadable = 0;
        long withError = 0;
        long duplicates = 0;
        Set<Labels.Row> matched = Collections.newSetFromMap(new IdentityHashMap<>());
        try (LineReader reader = new LineReader(Files.newInputStream(results), ResultsFile.MAX_LINE_BYTES)) {
            LineReader.Line line;
            while ((line = reader.next()) != null) {
                if (!line.tooLong() && isBlank(line.bytes())) {
                    continue;
                }
                lines++;
                ResultPrefix prefix = line.tooLong() || !line.terminated() && line.bytes().length == 0 ? null
                        : ResultPrefix.read(line.bytes());
                if (prefix == null) {
                    unreadable++;
                    continue;
                }
                Labels.Row row = labels.find(prefix.id(), prefix.url());
                if (row == null) {
                    continue;
                }
                if (!matched.add(row)) {
                    duplicates++;
                    continue;
                }
                if (prefix.code() != null) {
                    withError++;
                    continue;
                }
                JsonNode result = mapper.readTree(line.bytes());
                for (int t = 0; t < labels.targets().size(); t++) {
                    Boolean label = row.values()[t];
                    if (label == null) {
                        continue;
                    }
                    LabelTarget target = labels.targets().get(t);
                    JsonNode verdict = LabelTarget.at(result, target.verdictPath());
                    if (!verdict.isBoolean()) {
                        missing[t]++;
                        continue;
                    }
                    JsonNode score = LabelTarget.at(result, target.scorePath());
                    samples.get(t).add(new CheckReport.Sample(prefix.url(), prefix.id(),
                            score.isNumber() ? score.asDouble() : Double.NaN, label, verdict.asBoolean()));
                }
            }
        } catch (NoSuchFileException e) {
            throw new CliFailure(ExitCodes.USAGE, "calibrate: results file " + results + " does not exist");
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.USAGE, "calibrate: cannot read results file " + results + ": "
                    + e.getMessage());
        }
        List<String> unmatchedShown = new ArrayList<>();
        long unmatched = 0;
        for (Labels.Row row : labels.rows()) {
            if (!matched.contains(row)) {
                unmatched++;
                if (unmatchedShown.size() < UNMATCHED_SHOWN) {
                    unmatchedShown.add("line " + row.line() + ": " + (row.id() != null ? "id " + row.id()
                            : row.url()));
                }
            }
        }
        return new Join(lines, unreadable, labels.rows().size(), matched.size(), withError, duplicates, unmatched,
                unmatchedShown, labels.problemCount(), labels.problems());
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
