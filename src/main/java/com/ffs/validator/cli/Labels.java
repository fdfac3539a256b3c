package com.ffs.validator.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A label file: a CSV with a {@code url} or {@code id} column and label columns ({@code nsfw}, {@code fashion}, or a
 * dotted result field path), values 1/0, true/false or yes/no; an empty cell is no label. Rows that cannot be read
 * or values that are not labels are counted and reported, never fatal. Rows are kept in memory, at most
 * {@link #MAX_ROWS}.
 */
final class Labels {

    static final int MAX_ROWS = 5_000_000;
    private static final int PROBLEMS_SHOWN = 10;

    /**
     * One labelled image.
     *
     * @param line its line in the label file
     * @param id its id, or null
     * @param url its url, or null
     * @param values per target column: the label, or null when not labelled
     */
    record Row(long line, String id, String url, Boolean[] values) {
    }

    private final List<LabelTarget> targets;
    private final List<Row> rows;
    private final Map<String, Row> byId;
    private final Map<String, Row> byUrl;
    private final List<String> problems;
    private final long problemCount;

    private Labels(List<LabelTarget> targets, List<Row> rows, Map<String, Row> byId, Map<String, Row> byUrl,
            List<String> problems, long problemCount) {
        this.targets = targets;
        this.rows = rows;
        this.byId = byId;
        this.byUrl = byUrl;
        this.problems = problems;
        this.problemCount = problemCount;
    }

    /**
     * Reads a label file.
     *
     * @throws CliFailure (usage) when it cannot be read, has no url or id column, no label column, or too many rows
     */
    static Labels read(Path file) throws CliFailure {
        List<String> problems = new ArrayList<>();
        long problemCount = 0;
        try (LineReader lines = new LineReader(Files.newInputStream(file), 1 << 20)) {
            LineReader.Line line = lines.next();
            while (line != null && !line.tooLong() && line.text().isBlank()) {
                line = lines.next();
            }
            if (line == null || line.tooLong()) {
                throw new CliFailure(ExitCodes.USAGE, "calibrate: label file " + file + " has no header");
            }
            List<String> header;
            try {
                header = Csv.split(line.text());
            } catch (IllegalArgumentException e) {
                throw new CliFailure(ExitCodes.USAGE, "calibrate: the header of " + file + " cannot be read: "
                        + e.getMessage());
            }
            int urlColumn = Csv.column(header, "url");
            int idColumn = Csv.column(header, "id");
            if (urlColumn < 0 && idColumn < 0) {
                throw new CliFailure(ExitCodes.USAGE, "calibrate: label file " + file + " needs a 'url' or 'id' "
                        + "column (columns: " + String.join(", ", header) + ")");
            }
            List<LabelTarget> targets = new ArrayList<>();
            List<Integer> columns = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                if (i != urlColumn && i != idColumn) {
                    int column = i;
                    LabelTarget.of(header.get(i)).ifPresent(t -> {
                        targets.add(t);
                        columns.add(column);
                    });
                }
            }
            if (targets.isEmpty()) {
                throw new CliFailure(ExitCodes.USAGE, "calibrate: label file " + file + " has no label column: name "
                        + "one nsfw, fashion, or a boolean result field such as nsfw.is_nsfw (columns: "
                        + String.join(", ", header) + ")");
            }
            List<Row> rows = new ArrayList<>();
            Map<String, Row> byId = new HashMap<>();
            Map<String, Row> byUrl = new HashMap<>();
            while ((line = lines.next()) != null) {
                String problem = null;
                Row row = null;
                if (line.tooLong()) {
                    problem = "line is too long";
                } else {
                    String text;
                    try {
                        text = line.text();
                    } catch (CharacterCodingException e) {
                        text = null;
                        problem = "not UTF-8";
                    }
                    if (text != null && text.isBlank()) {
                        continue;
                    }
                    if (text != null) {
                        try {
                            List<String> fields = Csv.split(text);
                            String id = idColumn >= 0 && idColumn < fields.size() ? blankToNull(fields.get(idColumn))
                                    : null;
                            String url = urlColumn >= 0 && urlColumn < fields.size()
                                    ? blankToNull(fields.get(urlColumn))
                                    : null;
                            Boolean[] values = new Boolean[targets.size()];
                            for (int t = 0; t < targets.size(); t++) {
                                String cell = columns.get(t) < fields.size() ? fields.get(columns.get(t)) : "";
                                values[t] = label(cell);
                                if (values[t] == null && !cell.isBlank()) {
                                    problem = "'" + cell.strip() + "' in column " + targets.get(t).column()
                                            + " is not a label (1/0, true/false, yes/no)";
                                }
                            }
                            if (id == null && url == null) {
                                problem = "no url or id";
                            } else {
                                row = new Row(line.number(), id, url, values);
                            }
                        } catch (IllegalArgumentException e) {
                            problem = "CSV row cannot be read: " + e.getMessage();
                        }
                    }
                }
                if (problem != null) {
                    problemCount++;
                    if (problems.size() < PROBLEMS_SHOWN) {
                        problems.add("line " + line.number() + ": " + problem);
                    }
                }
                if (row != null) {
                    if (rows.size() >= MAX_ROWS) {
                        throw new CliFailure(ExitCodes.USAGE, "calibrate: label file " + file + " has more than "
                                + MAX_ROWS + " rows");
                    }
                    boolean duplicate = row.id() != null ? byId.putIfAbsent(row.id(), row) != null
                            : byUrl.putIfAbsent(row.url(), row) != null;
                    if (duplicate) {
                        problemCount++;
                        if (problems.size() < PROBLEMS_SHOWN) {
                            problems.add("line " + line.number() + ": the same " + (row.id() != null ? "id" : "url")
                                    + " as an earlier row (the earlier row is used)");
                        }
                    } else {
                        if (row.id() != null && row.url() != null) {
                            byUrl.putIfAbsent(row.url(), row);
                        }
                        rows.add(row);
                    }
                }
            }
            return new Labels(List.copyOf(targets), rows, byId, byUrl, problems, problemCount);
        } catch (NoSuchFileException e) {
            throw new CliFailure(ExitCodes.USAGE, "calibrate: label file " + file + " does not exist");
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.USAGE, "calibrate: cannot read label file " + file + ": "
                    + e.getMessage());
        }
    }

    /** The row of a result line: by id when the result has one the labels know, else by url. */
    Row find(String id, String url) {
        Row row = id == null ? null : byId.get(id);
        if (row == null && url != null) {
            row = byUrl.get(url);
        }
        return row;
    }

    List<LabelTarget> targets() {
        return targets;
    }

    List<Row> rows() {
        return rows;
    }

    /** The first problems found, each with its line. */
    List<String> problems() {
        return problems;
    }

    long problemCount() {
        return problemCount;
    }

    static Boolean label(String cell) {
        return switch (cell.strip().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "y", "t" -> Boolean.TRUE;
            case "0", "false", "no", "n", "f" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
