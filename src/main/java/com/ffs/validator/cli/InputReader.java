package com.ffs.validator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Streams {@code bulk}'s input as {@link InputRecord}s: plain lines, CSV rows or JSON Lines. Blank lines (and the CSV
 * header) are not inputs. A line that cannot be read becomes a malformed record with its line number; only an input
 * that cannot be used at all (unreadable, a CSV header without {@code url}) fails. Not thread-safe.
 */
final class InputReader implements AutoCloseable {

    /** The longest input line kept: the service's own request body limit. */
    static final int MAX_LINE_BYTES = 32 << 20;

    private final LineReader lines;
    private InputFormat format;
    private final ObjectMapper mapper;
    private final String name;
    private LineReader.Line pending;
    private int urlColumn = -1;
    private int idColumn = -1;
    private int columns;

    private InputReader(LineReader lines, InputFormat format, ObjectMapper mapper, String name) {
        this.lines = lines;
        this.format = format;
        this.mapper = mapper;
        this.name = name;
    }

    /**
     * Opens the input ({@code -} is {@code stdin}) and settles its format.
     *
     * @throws CliFailure (usage) when it cannot be read, or is a CSV without a {@code url} column
     */
    static InputReader open(String input, InputFormat requested, InputStream stdin, ObjectMapper mapper)
            throws CliFailure {
        String name = input.equals("-") ? "standard input" : input;
        InputStream in;
        try {
            in = input.equals("-") ? stdin : Files.newInputStream(Path.of(input));
        } catch (NoSuchFileException e) {
            throw new CliFailure(ExitCodes.USAGE, "bulk: input file " + input + " does not exist");
        } catch (IOException | UncheckedIOException e) {
            throw new CliFailure(ExitCodes.USAGE, "bulk: cannot read input file " + input + ": " + e.getMessage());
        }
        LineReader lines = new LineReader(in, MAX_LINE_BYTES);
        InputReader reader = new InputReader(lines, byName(input, requested), mapper, name);
        try {
            reader.start();
        } catch (IOException e) {
            closeQuietly(lines);
            throw new CliFailure(ExitCodes.USAGE, "bulk: cannot read " + name + ": " + e.getMessage());
        } catch (CliFailure e) {
            closeQuietly(lines);
            throw e;
        }
        return reader;
    }

    InputFormat format() {
        return format == InputFormat.AUTO ? InputFormat.TEXT : format;
    }

    /** The next input, or null at the end. */
    InputRecord next() throws IOException {
        LineReader.Line line;
        while ((line = take()) != null) {
            if (line.tooLong()) {
                return InputRecord.malformed(line.number(), null, "line is longer than " + MAX_LINE_BYTES
                        + " bytes");
            }
            String text;
            try {
                text = line.text();
            } catch (CharacterCodingException e) {
                return InputRecord.malformed(line.number(), null, "line is not valid UTF-8");
            }
            if (text.isBlank()) {
                continue;
            }
            return switch (format()) {
                case CSV -> csvRow(line.number(), text);
                case JSONL -> jsonLine(line.number(), text);
                default -> InputRecord.image(line.number(), null, text.strip());
            };
        }
        return null;
    }

    /**
     * Counts the inputs of a file (lines that are not blank, less a CSV header) for the progress display.
     * Standard input cannot be counted: -1.
     */
    static long count(String input, InputFormat format) throws IOException {
        if (input.equals("-")) {
            return -1;
        }
        long count = 0;
        try (InputStream in = Files.newInputStream(Path.of(input))) {
            byte[] buffer = new byte[1 << 16];
            boolean content = false;
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        count += content ? 1 : 0;
                        content = false;
                    } else if (b != ' ' && b != '\t' && b != '\r') {
                        content = true;
                    }
                }
            }
            count += content ? 1 : 0;
        }
        return format == InputFormat.CSV ? Math.max(0, count - 1) : count;
    }

    private void start() throws IOException, CliFailure {
        if (format != InputFormat.CSV && format != InputFormat.AUTO) {
            return;
        }
        LineReader.Line first = firstNonBlank();
        if (first == null) {
            return;
        }
        String text = first.tooLong() ? "" : decodeOrEmpty(first);
        InputFormat settled = format;
        if (format == InputFormat.AUTO) {
            settled = text.startsWith("{") ? InputFormat.JSONL
                    : looksLikeCsvHeader(text) ? InputFormat.CSV
                            : InputFormat.TEXT;
        }
        if (settled != InputFormat.CSV) {
            pending = first;
            format = settled;
            return;
        }
        format = InputFormat.CSV;
        List<String> header;
        try {
            header = Csv.split(text);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.USAGE, "bulk: the CSV header of " + name + " cannot be read: "
                    + e.getMessage());
        }
        urlColumn = Csv.column(header, "url");
        idColumn = Csv.column(header, "id");
        columns = header.size();
        if (urlColumn < 0) {
            throw new CliFailure(ExitCodes.USAGE, "bulk: the CSV header of " + name + " has no 'url' column "
                    + "(columns: " + String.join(", ", header) + ")");
        }
    }

    private InputRecord csvRow(long number, String text) {
        List<String> fields;
        try {
            fields = Csv.split(text);
        } catch (IllegalArgumentException e) {
            return InputRecord.malformed(number, null, "CSV row cannot be read: " + e.getMessage());
        }
        String id = idColumn >= 0 && idColumn < fields.size() ? blankToNull(fields.get(idColumn)) : null;
        if (fields.size() != columns) {
            return InputRecord.malformed(number, id, "CSV row has " + fields.size() + " fields, the header "
                    + columns);
        }
        String url = fields.get(urlColumn).strip();
        if (url.isEmpty()) {
            return InputRecord.malformed(number, id, "CSV row has an empty url");
        }
        return InputRecord.image(number, id, url);
    }

    private InputRecord jsonLine(long number, String text) {
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return InputRecord.malformed(number, null, "not a JSON object: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return InputRecord.malformed(number, null, "not a JSON object");
        }
        JsonNode idNode = node.get("id");
        String id = null;
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
                return InputRecord.malformed(number, null, "'id' must be a string or a whole number");
            }
            id = idNode.asText();
        }
        JsonNode url = node.get("url");
        if (url == null || !url.isTextual() || url.asText().isBlank()) {
            return InputRecord.malformed(number, id, "no 'url' string");
        }
        return InputRecord.image(number, id, url.asText().strip());
    }

    private LineReader.Line take() throws IOException {
        if (pending != null) {
            LineReader.Line line = pending;
            pending = null;
            return line;
        }
        return lines.next();
    }

    private LineReader.Line firstNonBlank() throws IOException {
        LineReader.Line line;
        while ((line = lines.next()) != null) {
            if (line.tooLong() || !decodeOrEmpty(line).isBlank()) {
                return line;
            }
        }
        return null;
    }

    private static boolean looksLikeCsvHeader(String text) {
        try {
            List<String> fields = Csv.split(text);
            return Csv.column(fields, "url") >= 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static InputFormat byName(String input, InputFormat requested) {
        if (requested != InputFormat.AUTO) {
            return requested;
        }
        String lower = input.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return InputFormat.CSV;
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return InputFormat.JSONL;
        }
        return InputFormat.AUTO;
    }

    private static String decodeOrEmpty(LineReader.Line line) {
        try {
            return line.text();
        } catch (CharacterCodingException e) {
            return "";
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static void closeQuietly(LineReader lines) {
        try {
            lines.close();
        } catch (IOException e) {
            // nothing more to say
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
