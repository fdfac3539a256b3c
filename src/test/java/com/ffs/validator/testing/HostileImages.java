package com.ffs.validator.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Small files that ask a decoder for far more than they are: the corpus of the hostile-input tests, generated here so
 * that nothing large is committed. Each is what an attacker would upload.
 */
public final class HostileImages {

    private HostileImages() {
    }

    /**
     * Every hostile file by name, in a stable order. Generating them takes seconds (a 64 MP JPEG is encoded), so they
     * are kept under {@code target/} in a folder named for this class's bytes: a change here makes a new set.
     */
    public static Map<String, byte[]> all() {
        Path folder = Path.of("target", "hostile-images", classDigest());
        Path names = folder.resolve("names");
        try {
            if (Files.isRegularFile(names)) {
                Map<String, byte[]> files = new LinkedHashMap<>();
                for (String name : Files.readAllLines(names)) {
                    files.put(name, Files.readAllBytes(folder.resolve(name)));
                }
                return files;
            }
            Map<String, byte[]> files = generate();
            Files.createDirectories(folder);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                writeAtomically(folder.resolve(file.getKey()), file.getValue());
            }
            // Written last: its presence says that the set is complete.
            writeAtomically(names, String.join("\n", files.keySet()).getBytes(StandardCharsets.UTF_8));
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String classDigest() {
        try (InputStream in = HostileImages.class.getResourceAsStream("HostileImages.class")) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tests running side by side may write the same file: each writes its own and moves it into place. */
    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temporary = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        Files.write(temporary, bytes);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Map<String, byte[]> generate() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("png-1785714x1-grey", greyPng(1_785_714, 1));
        files.put("png-1x1785714-grey", greyPng(1, 1_785_714));
        files.put("bmp-embedded-png-2gib", bmpEmbeddedPng());
        files.put("tiff-2048x2048-256-samples", tiffManySamples());
        files.put("gif-65535x65535-screen-1x1-frame", gifHugeScreen());
        files.put("png-ztxt-1gib", pngWithTextBomb(1L << 30, 0));
        files.put("png-palette-ztxt-1gib", pngWithTextBomb(1L << 30, 3));
        files.put("jpeg-sof-65000x65000", jpegWithSize(65000, 65000));
        files.put("webp-canvas-16384x16384", webpHugeCanvas());
        files.put("png-9000x9000-16bit", sixteenBitPng(9000, 9000));
        files.put("jpeg-8000x8000-progressive", progressiveJpeg(8000, 8000));
        files.put("gif-5000-frames", gifManyFrames(5000));
        files.put("tiff-16x16-lzw-tile-65536x65536", tiffHugeTile());
        files.put("tiff-8000x8000-deflate-zeros", tiffDeflateZeros(8000, 8000));
        files.put("tiff-3000x2000-deflate-zeros", tiffDeflateZeros(3000, 2000));
        files.put("bmp-4000x4000-rle8-empty", bmpEmptyRle(4000, 4000));
        return files;
    }

    // ---------------------------------------------------------------------------------------------------------
    // PNG

    /** A grey PNG whose rows are all zero: a few KB for millions of pixels. */
    public static byte[] greyPng(int width, int height) {
        return png(width, height, 8, 0, new byte[width], height, null);
    }

    /** RGB, 16 bits a sample, rows of zeros. */
    public static byte[] sixteenBitPng(int width, int height) {
        return png(width, height, 16, 2, new byte[width * 6], height, null);
    }

    /** A 16x16 PNG (grey, or palette when {@code colourType} is 3) with a zTXt chunk inflating to {@code bytes}. */
    public static byte[] pngWithTextBomb(long bytes, int colourType) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.writeBytes("Comment".getBytes(StandardCharsets.ISO_8859_1));
        text.write(0);
        text.write(0);
        text.writeBytes(deflate(new byte[1 << 20], bytes >> 20));
        return png(16, 16, 8, colourType, new byte[16], 16, text.toByteArray());
    }

    private static byte[] png(int width, int height, int depth, int colourType, byte[] row, int rows, byte[] zTxt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
        ihdr.put((byte) depth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        if (colourType == 3) {
            chunk(out, "PLTE", new byte[] { (byte) 200, 30, 30, 30, (byte) 200, 30 });
        }
        if (zTxt != null) {
            chunk(out, "zTXt", zTxt);
        }
        byte[] filtered = new byte[row.length + 1];
        System.arraycopy(row, 0, filtered, 1, row.length);
        chunk(out, "IDAT", deflate(filtered, rows));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * zlib data of {@code block} repeated {@code times}. Compressing every copy of a 1 GiB bomb takes seconds, so about
     * 1 MiB of copies is compressed with a full flush, which resets the compressor, and that output is repeated: the
     * stream is still valid, and its Adler-32 still covers every byte.
     */
    private static byte[] deflate(byte[] block, long times) {
        int perRun = Math.max(1, (1 << 20) / block.length);
        byte[] run = new byte[perRun * block.length];
        for (int i = 0; i < perRun; i++) {
            System.arraycopy(block, 0, run, i * block.length, block.length);
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        Adler32 adler = new Adler32();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] { 0x78, 0x01 });
        byte[] compressedRun = null;
        for (long i = 0; i < times / perRun; i++) {
            // The first run and the second are compressed: from the second on, each starts from a reset compressor.
            if (i < 2) {
                ByteArrayOutputStream one = new ByteArrayOutputStream();
                deflater.setInput(run);
                compress(deflater, one);
                flush(deflater, one);
                compressedRun = one.toByteArray();
            }
            out.writeBytes(compressedRun);
            adler.update(run);
        }
        for (long i = 0; i < times % perRun; i++) {
            deflater.setInput(block);
            compress(deflater, out);
            adler.update(block);
        }
        deflater.finish();
        byte[] buffer = new byte[64 * 1024];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) adler.getValue()).array());
        return out.toByteArray();
    }

    private static void compress(Deflater deflater, ByteArrayOutputStream out) {
        byte[] buffer = new byte[64 * 1024];
        while (!deflater.needsInput()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
    }

    private static void flush(Deflater deflater, ByteArrayOutputStream out) {
        byte[] buffer = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    // ---------------------------------------------------------------------------------------------------------
    // BMP, TIFF, GIF, WebP: headers written by hand

    /** 70 bytes: a BMP info header saying "PNG inside" (compression 5) and a 2 GiB image size. */
    public static byte[] bmpEmbeddedPng() {
        ByteBuffer b = ByteBuffer.allocate(70).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(70).putInt(0).putInt(54);
        b.putInt(40).putInt(64).putInt(64).putShort((short) 1).putShort((short) 0).putInt(5).putInt(0x7FFF0000);
        b.putInt(2835).putInt(2835).putInt(0).putInt(0);
        b.put(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });
        return b.array();
    }

    /** A TIFF of 2048x2048 with 256 samples a pixel, 8 bits each: a GiB of raster from about 650 bytes. */
    public static byte[] tiffManySamples() {
        int samples = 256;
        int entries = 9;
        int ifd = 8;
        int bitsAt = ifd + 2 + entries * 12 + 4;
        int dataAt = bitsAt + samples * 2;
        ByteBuffer b = ByteBuffer.allocate(dataAt + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        b.putShort((short) entries);
        tiffEntry(b, 256, 4, 1, 2048);
        tiffEntry(b, 257, 4, 1, 2048);
        tiffEntry(b, 258, 3, samples, bitsAt);
        tiffEntry(b, 259, 3, 1, 1);
        tiffEntry(b, 262, 3, 1, 1);
        tiffEntry(b, 273, 4, 1, dataAt);
        tiffEntry(b, 277, 3, 1, samples);
        tiffEntry(b, 278, 4, 1, 2048);
        tiffEntry(b, 279, 4, 1, 16);
        b.putInt(0);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) 8);
        }
        return b.array();
    }

    /** A 16x16 LZW TIFF whose one tile declares 65536x65536 pixels: libtiff would size its buffer from that. */
    public static byte[] tiffHugeTile() {
        int entries = 11;
        int ifd = 8;
        int dataAt = ifd + 2 + entries * 12 + 4;
        ByteBuffer b = ByteBuffer.allocate(dataAt + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        b.putShort((short) entries);
        tiffEntry(b, 256, 4, 1, 16);
        tiffEntry(b, 257, 4, 1, 16);
        tiffEntry(b, 258, 3, 1, 8);
        tiffEntry(b, 259, 3, 1, 5);
        tiffEntry(b, 262, 3, 1, 1);
        tiffEntry(b, 277, 3, 1, 1);
        tiffEntry(b, 284, 3, 1, 1);
        tiffEntry(b, 322, 4, 1, 65536);
        tiffEntry(b, 323, 4, 1, 65536);
        tiffEntry(b, 324, 4, 1, dataAt);
        tiffEntry(b, 325, 4, 1, 8);
        b.putInt(0);
        return b.array();
    }

    /** An RGB TIFF of one Deflate strip of zeros: about 200 KB for {@code width x height} pixels. */
    public static byte[] tiffDeflateZeros(int width, int height) {
        byte[] strip = deflate(new byte[width * 3], height);
        int entries = 10;
        int ifd = 8;
        int bitsAt = ifd + 2 + entries * 12 + 4;
        int dataAt = bitsAt + 6;
        ByteBuffer b = ByteBuffer.allocate(dataAt + strip.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        b.putShort((short) entries);
        tiffEntry(b, 256, 4, 1, width);
        tiffEntry(b, 257, 4, 1, height);
        tiffEntry(b, 258, 3, 3, bitsAt);
        tiffEntry(b, 259, 3, 1, 8);
        tiffEntry(b, 262, 3, 1, 2);
        tiffEntry(b, 273, 4, 1, dataAt);
        tiffEntry(b, 277, 3, 1, 3);
        tiffEntry(b, 278, 4, 1, height);
        tiffEntry(b, 279, 4, 1, strip.length);
        tiffEntry(b, 284, 3, 1, 1);
        b.putInt(0);
        b.putShort((short) 8).putShort((short) 8).putShort((short) 8);
        b.put(strip);
        return b.array();
    }

    /** An RLE8 BMP of {@code width x height} whose data ends at once (end of bitmap): nothing to fill it with. */
    public static byte[] bmpEmptyRle(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + 8 + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(14 + 40 + 8);
        b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 8).putInt(1).putInt(2);
        b.putInt(2835).putInt(2835).putInt(2).putInt(0);
        b.put(new byte[] { 0, 0, 0, 0, (byte) 255, 0, 0, 0 });
        b.put(new byte[] { 0, 1 });
        return b.array();
    }

    private static void tiffEntry(ByteBuffer b, int tag, int type, int count, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3 && count == 1) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }

    /** A GIF whose logical screen is 65535x65535, holding one 1x1 frame. */
    public static byte[] gifHugeScreen() {
        return gif(65535, 65535, 1);
    }

    /** A 1x1 GIF of {@code frames} frames. */
    public static byte[] gifManyFrames(int frames) {
        return gif(1, 1, frames);
    }

    private static byte[] gif(int screenW, int screenH, int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) screenW)
                .putShort((short) screenH).array());
        // A global colour table of 2 entries: black, red.
        out.writeBytes(new byte[] { (byte) 0x80, 0, 0, 0, 0, 0, (byte) 255, 0, 0 });
        for (int i = 0; i < frames; i++) {
            out.writeBytes(new byte[] { 0x21, (byte) 0xF9, 4, 0, 10, 0, 0, 0 });
            out.writeBytes(new byte[] { 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0 });
            // LZW, minimum code size 2: clear (4), index 1, end (5), three bits each, least significant first.
            out.writeBytes(new byte[] { 2, 2, 0x4C, 0x01, 0 });
        }
        out.write(0x3B);
        return out.toByteArray();
    }

    /** A WebP whose extended header declares a 16384x16384 canvas over a 1x1 lossless image. */
    public static byte[] webpHugeCanvas() {
        ByteBuffer b = ByteBuffer.allocate(12 + 18 + 14).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + 18 + 14);
        b.put("WEBP".getBytes(StandardCharsets.US_ASCII));
        b.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).put((byte) 0).put(new byte[3]);
        put24(b, 16383);
        put24(b, 16383);
        b.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(6).put((byte) 0x2F).putInt(0).put((byte) 0);
        return b.array();
    }

    private static void put24(ByteBuffer b, int v) {
        b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
    }

    // ---------------------------------------------------------------------------------------------------------
    // JPEG

    /** A real 16x16 baseline JPEG whose frame header is rewritten to {@code width x height}. */
    public static byte[] jpegWithSize(int width, int height) {
        byte[] jpeg = jpeg(new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR), false);
        for (int p = 2; p + 9 < jpeg.length; p++) {
            if ((jpeg[p] & 0xFF) == 0xFF && (jpeg[p + 1] & 0xFF) == 0xC0) {
                jpeg[p + 5] = (byte) (height >> 8);
                jpeg[p + 6] = (byte) height;
                jpeg[p + 7] = (byte) (width >> 8);
                jpeg[p + 8] = (byte) width;
                return jpeg;
            }
        }
        throw new IllegalStateException("no SOF0 in the generated JPEG");
    }

    /** A real progressive JPEG of one flat colour. */
    public static byte[] progressiveJpeg(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        return jpeg(image, true);
    }

    private static byte[] jpeg(BufferedImage image, boolean progressive) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = null;
        while (writers.hasNext()) {
            ImageWriter w = writers.next();
            // The JDK's own writer; plugins on the class path may register others first.
            if (w.getClass().getName().startsWith("com.sun.")) {
                writer = w;
                break;
            }
        }
        if (writer == null) {
            throw new IllegalStateException("no JDK JPEG writer");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
