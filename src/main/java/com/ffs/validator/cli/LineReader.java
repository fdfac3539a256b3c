package com.ffs.validator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a stream line by line ({@code \n}, with or without {@code \r}), numbering lines from 1 and keeping at most
 * {@code maxBytes} of any line: a longer line is consumed and reported as too long, never held. Not thread-safe.
 */
final class LineReader implements AutoCloseable {

    private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

    /**
     * One line.
     *
     * @param number 1-based line number
     * @param offset byte offset of its first byte in the stream
     * @param bytes its bytes without the line end; null when longer than the limit
     * @param length its length in bytes without the line end (also when too long)
     * @param terminated whether a line end followed (false only for a last line cut short)
     */
    record Line(long number, long offset, byte[] bytes, long length, boolean terminated) {

        boolean tooLong() {
            return bytes == null;
        }

        /**
         * The line as text, without a trailing {@code \r}.
         *
         * @throws CharacterCodingException when the bytes are not UTF-8
         */
        String text() throws CharacterCodingException {
            int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, end))
                    .toString();
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private long consumed;
    private long number;
    private boolean eof;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at the end of the stream. A UTF-8 byte order mark before line 1 is skipped. */
    Line next() throws IOException {
        if (!fill()) {
            return null;
        }
        if (number == 0 && limit - position >= 3 && Arrays.equals(buffer, position, position + 3, BOM, 0, 3)) {
            position += 3;
            consumed += 3;
        }
        long offset = consumed;
        byte[] kept = new byte[Math.min(256, maxBytes)];
        int keptLength = 0;
        long length = 0;
        boolean tooLong = false;
        while (fill()) {
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int chunk = end - position;
            if (!tooLong && length + chunk <= maxBytes) {
                if (keptLength + chunk > kept.length) {
                    kept = Arrays.copyOf(kept, (int) Math.min(maxBytes, Math.max(kept.length * 2L, keptLength
                            + (long) chunk)));
                }
                System.arraycopy(buffer, position, kept, keptLength, chunk);
                keptLength += chunk;
            } else {
                tooLong = true;
            }
            length += chunk;
            consumed += chunk;
            position = end;
            if (end < limit) {
                position++;
                consumed++;
                number++;
                return new Line(number, offset, tooLong ? null : Arrays.copyOf(kept, keptLength), length, true);
            }
        }
        number++;
        return new Line(number, offset, tooLong ? null : Arrays.copyOf(kept, keptLength), length, false);
    }

    /** Bytes consumed so far. */
    long consumed() {
        return consumed;
    }

    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        if (eof) {
            return false;
        }
        int n = in.read(buffer);
        if (n < 0) {
            eof = true;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
