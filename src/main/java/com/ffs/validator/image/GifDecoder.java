package com.ffs.validator.image;

import java.util.Arrays;

/**
 * The first frame of a GIF as Pillow 9.4 loads it: a port of its LZW decoder ({@code libImaging/GifDecode.c}) fed the
 * whole rest of the file, as {@code ImageFile.load} feeds it. The canvas starts filled with the transparent index
 * (index 0 without one) and the frame is drawn at its offset. An end code before the frame is complete does not end
 * it: the decoder reads on, as Pillow's does, until the frame is full; a code the table cannot hold is damage, and
 * data that runs out before the frame is full is truncation, both refused as Pillow refuses them.
 */
final class GifDecoder {

    private static final int TABLE = 4096;

    private GifDecoder() {
    }

    static ModeImage decode(byte[] bytes) {
        GifHeader.Frame f = GifHeader.firstFrame(bytes);
        boolean paletted = f.palette() >= 0;
        ModeImage image = ModeImage.allocate(paletted ? PillowMode.P : PillowMode.L, f.width(), f.height());
        if (f.transparency() >= 0) {
            Arrays.fill(image.data, (byte) f.transparency());
            image.transparency(f.transparency());
        }
        if (paletted) {
            image.putPalette("RGB", bytes, f.palette(), f.paletteBytes());
        }
        new Lzw(bytes, f, image).run();
        return image;
    }

    /** GifDecode.c's state machine, one frame. */
    private static final class Lzw {
        private final byte[] in;
        private final byte[] out;
        private final int stride;
        private final int xoff;
        private final int yoff;
        private final int xsize;
        private final int ysize;
        private int pos;
        private int x;
        private int y;
        private int step;
        private int interlace;

        private final int clear;
        private final int end;
        private final int bits;
        private int state = 1;
        private int bitBuffer;
        private int bitCount;
        private int blockSize;
        private int codeSize;
        private int codeMask;
        private int next;
        private int lastCode;
        private int lastData;
        private int bufferIndex = TABLE;
        private final byte[] buffer = new byte[TABLE];
        private final int[] link = new int[TABLE];
        private final byte[] data = new byte[TABLE];

        Lzw(byte[] in, GifHeader.Frame f, ModeImage image) {
            this.in = in;
            this.out = image.data;
            this.stride = image.width;
            this.xoff = f.left();
            this.yoff = f.top();
            this.xsize = f.frameWidth();
            this.ysize = f.frameHeight();
            this.pos = f.data();
            this.bits = f.codeSize();
            this.clear = 1 << bits;
            this.end = clear + 1;
            this.interlace = f.interlaced() ? 1 : 0;
            this.step = f.interlaced() ? 8 : 1;
        }

        void run() {
            while (true) {
                if (state == 1) {
                    next = clear + 2;
                    codeSize = bits + 1;
                    codeMask = (1 << codeSize) - 1;
                    bufferIndex = TABLE;
                    state = 2;
                }
                int count;
                int from;
                byte[] source;
                if (bufferIndex < TABLE) {
                    count = TABLE - bufferIndex;
                    from = bufferIndex;
                    source = buffer;
                    bufferIndex = TABLE;
                } else {
                    while (bitCount < codeSize) {
                        if (blockSize > 0) {
                            bitBuffer |= (in[pos++] & 0xFF) << bitCount;
                            blockSize--;
                            bitCount += 8;
                        } else {
                            // A new sub-block, decoded only when all of it is there.
                            if (pos >= in.length || in.length - pos < (in[pos] & 0xFF) + 1) {
                                throw new IntakeException(IntakeError.DECODE_FAILED, "GIF is truncated: the data "
                                        + "ends before the first frame is complete");
                            }
                            blockSize = in[pos++] & 0xFF;
                        }
                    }
                    int c = bitBuffer & codeMask;
                    bitBuffer >>>= codeSize;
                    bitCount -= codeSize;
                    if (c == clear) {
                        if (state != 2) {
                            state = 1;
                        }
                        continue;
                    }
                    if (c == end) {
                        // Pillow's decoder returns here and is called again with the data that follows.
                        continue;
                    }
                    if (state == 2) {
                        if (c > clear) {
                            throw damaged();
                        }
                        lastData = c;
                        lastCode = c;
                        state = 3;
                    } else {
                        int thisCode = c;
                        if (c > next) {
                            throw damaged();
                        }
                        if (c == next) {
                            if (bufferIndex <= 0) {
                                throw damaged();
                            }
                            buffer[--bufferIndex] = (byte) lastData;
                            c = lastCode;
                        }
                        while (c >= clear) {
                            if (bufferIndex <= 0 || c >= TABLE) {
                                throw damaged();
                            }
                            buffer[--bufferIndex] = data[c];
                            c = link[c];
                        }
                        lastData = c;
                        if (next < TABLE) {
                            data[next] = (byte) c;
                            link[next] = lastCode;
                            if (next == codeMask && codeSize < 12) {
                                codeSize++;
                                codeMask = (1 << codeSize) - 1;
                            }
                            next++;
                        }
                        lastCode = thisCode;
                    }
                    count = 1;
                    from = -1;
                    source = null;
                }
                for (int i = 0; i < count; i++) {
                    out[(y + yoff) * stride + xoff + x] = source == null ? (byte) lastData : source[from + i];
                    if (++x >= xsize && !newLine()) {
                        return;
                    }
                }
            }
        }

        /** GifDecode.c's NEWLINE: the next row (of the next interlace pass); false once the frame is full. */
        private boolean newLine() {
            x = 0;
            y += step;
            while (y >= ysize) {
                switch (interlace) {
                    case 1 -> {
                        y = 4;
                        interlace = 2;
                    }
                    case 2 -> {
                        step = 4;
                        y = 2;
                        interlace = 3;
                    }
                    case 3 -> {
                        step = 2;
                        y = 1;
                        interlace = 0;
                    }
                    default -> {
                        return false;
                    }
                }
            }
            return true;
        }

        private static IntakeException damaged() {
            return new IntakeException(IntakeError.DECODE_FAILED, "GIF is damaged: its first frame has an invalid "
                    + "LZW code");
        }
    }
}
