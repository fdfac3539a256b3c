package com.ffs.validator.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The output of {@code bulk}: JSON Lines, resumed from and appended to.
 *
 * <p>
 * Opening reads what earlier runs left: inputs with a result or a permanent error are done; lines with a
 * transient error are dropped (rewriting the file once without them, so that their retry leaves one line per
 * input), and a last line cut short by a crash is cut off. Each line is then appended with one write call, so a line
 * in the file is complete whatever stops the process; a failed write is cut back to the last complete line. Only the
 * fields written first ({@code line}, {@code id}, {@code url}, {@code error}) are parsed on resume, so resuming reads
 * past embeddings without decoding them. Thread-safe.
 */
final class ResultsFile implements AutoCloseable {

    /** The longest output line read back on resume. */
    static final int MAX_LINE_BYTES = 64 << 20;
    /** How many lines of an earlier run are checked against the input, to catch an output of other input. */
    static final int SAMPLE = 1000;

    /**
     * An input as a line of the output identifies it.
     *
     * @param id the caller's id, or null
     * @param url the image as shown, or null for a malformed line
     */
    record Key(String id, String url) {
    }

    /**
     * What earlier runs left.
     *
     * @param done input lines with a final line in the file
     * @param sample the lowest-numbered done lines and how they identify their input
     * @param dropped lines with transient errors removed so that they are retried
     * @param notes what was repaired, for the user
     */
    record Resumed(LineSet done, Map<Long, Key> sample, long dropped, List<String> notes) {
    }

    private final Path path;
    private final FileChannel channel;
    private final Resumed resumed;
    private boolean closed;

    private ResultsFile(Path path, FileChannel channel, Resumed resumed) {
        this.path = path;
        this.channel = channel;
        this.resumed = resumed;
    }

    /**
     * Opens the output for appending, after reading and repairing what earlier runs left; counts their lines.
     *
     * @throws CliFailure (usage) when the file cannot be used: unreadable, or not a bulk output
     */
    static ResultsFile open(Path path, Tally tally) throws CliFailure {
        try {
            Resumed resumed = Files.exists(path) ? resume(path, tally)
                    : new Resumed(new LineSet(), Map.of(), 0, List.of());
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            return new ResultsFile(path, channel, resumed);
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.USAGE, "bulk: cannot use output file " + path + ": " + e.getMessage());
        }
    }

    Resumed resumed() {
        return resumed;
    }

    /**
     * Appends one line ({@code bytes} ends with a newline) in one write.
     *
     * @return false when the file is closed already (the run was stopped): the line is not written
     * @throws IOException when the write fails; the file is cut back to its last complete line
     */
    synchronized boolean write(byte[] bytes) throws IOException {
        if (closed) {
            return false;
        }
        long start = channel.size();
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            channel.truncate(start);
            throw e;
        }
        return true;
    }

    /** Flushes to disk and closes; later writes are refused. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.force(false);
        } finally {
            channel.close();
        }
    }

    Path path() {
        return path;
    }

    private static Resumed resume(Path path, Tally tally) throws IOException, CliFailure {
        LineSet done = new LineSet();
        LineSet drop = new LineSet();
        TreeMap<Long, Key> sample = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        long cutAt = -1;
        long dropped = 0;
        try (LineReader lines = new LineReader(Files.newInputStream(path), MAX_LINE_BYTES)) {
            LineReader.Line line;
            while ((line = lines.next()) != null) {
                if (!line.terminated()) {
                    cutAt = line.offset();
                    notes.add("cut an incomplete last line (" + line.length() + " bytes) from " + path);
                    break;
                }
                if (line.tooLong()) {
                    throw notResults(path, line.number(), "longer than " + MAX_LINE_BYTES + " bytes");
                }
                if (isBlank(line.bytes())) {
                    drop.add(line.number());
                    continue;
                }
                ResultPrefix prefix = ResultPrefix.read(line.bytes());
                if (prefix == null) {
                    throw notResults(path, line.number(), "not a bulk result");
                }
                if (prefix.code() != null && ErrorClasses.isTransient(prefix.code(), prefix.message())
                        || !done.add(prefix.line())) {
                    drop.add(line.number());
                    dropped++;
                    continue;
                }
                tally.add(prefix.code(), true);
                sample.put(prefix.line(), new Key(prefix.id(), prefix.url()));
                if (sample.size() > SAMPLE) {
                    sample.pollLastEntry();
                }
            }
        }
        if (drop.size() > 0) {
            rewrite(path, drop);
            if (dropped > 0) {
                notes.add("dropped " + dropped + " line(s) with transient errors from " + path
                        + " to retry them");
            }
        } else if (cutAt >= 0) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(cutAt);
            }
        }
        return new Resumed(done, sample, dropped, notes);
    }

    /** Writes the file again without the dropped lines (and without an incomplete last line), then swaps it in. */
    private static void rewrite(Path path, LineSet drop) throws IOException {
        Path temp = path.resolveSibling(path.getFileName() + ".rewrite");
        try (LineReader lines = new LineReader(Files.newInputStream(path), MAX_LINE_BYTES);
                OutputStream out = Files.newOutputStream(temp)) {
            LineReader.Line line;
            while ((line = lines.next()) != null && line.terminated()) {
                if (!drop.contains(line.number())) {
                    out.write(line.bytes());
                    out.write('\n');
                }
            }
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static CliFailure notResults(Path path, long number, String why) {
        return new CliFailure(ExitCodes.USAGE, "bulk: line " + number + " of output file " + path + " is " + why
                + "; give another --output, or move the file aside");
    }
}
