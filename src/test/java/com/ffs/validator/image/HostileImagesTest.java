package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.ffs.validator.testing.HostileImages;
import com.sun.management.ThreadMXBean;

/**
 * Files that ask a decoder for far more than they are, decoded with the budget a 256 MB heap gives (128 MB): each is
 * refused with its code or decoded within what was reserved for it, and none makes the decoder allocate what its
 * header asks for.
 */
class HostileImagesTest {

    private static final long BUDGET = 128L << 20;
    private static final Map<String, byte[]> FILES = HostileImages.all();

    /** Expected outcome per file: an error code, or null for a decoded image of the given size. */
    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of("png-1785714x1-grey", null, "1785714x1"),
                Arguments.of("png-1x1785714-grey", null, "1x1785714"),
                Arguments.of("bmp-embedded-png-2gib", IntakeError.UNSUPPORTED_FORMAT, "PNG data"),
                Arguments.of("tiff-2048x2048-256-samples", IntakeError.UNSUPPORTED_FORMAT, "256 samples"),
                Arguments.of("gif-65535x65535-screen-1x1-frame", IntakeError.IMAGE_TOO_LARGE, "exceeds the cap"),
                Arguments.of("png-ztxt-1gib", null, "16x16"),
                Arguments.of("png-palette-ztxt-1gib", null, "16x16"),
                Arguments.of("jpeg-sof-65000x65000", IntakeError.IMAGE_TOO_LARGE, "exceeds the cap"),
                Arguments.of("webp-canvas-16384x16384", IntakeError.IMAGE_TOO_LARGE, "exceeds the cap"),
                Arguments.of("png-9000x9000-16bit", IntakeError.IMAGE_TOO_LARGE, "raster-memory"),
                Arguments.of("jpeg-8000x8000-progressive", IntakeError.IMAGE_TOO_LARGE, "raster-memory"),
                Arguments.of("gif-5000-frames", null, "1x1"),
                Arguments.of("tiff-16x16-lzw-tile-65536x65536", IntakeError.IMAGE_TOO_LARGE, "raster-memory"),
                Arguments.of("tiff-8000x8000-deflate-zeros", IntakeError.IMAGE_TOO_LARGE, "raster-memory"),
                Arguments.of("tiff-3000x2000-deflate-zeros", null, "3000x2000"),
                Arguments.of("bmp-4000x4000-rle8-empty", IntakeError.DECODE_FAILED, "run-length data ends"));
    }

    @Test
    void shouldCoverEveryFileOfTheCorpus() {
        assertThat(files().map(a -> (String) a.get()[0])).containsExactlyInAnyOrderElementsOf(FILES.keySet());
    }

    @ParameterizedTest
    @MethodSource("files")
    void shouldRefuseOrDecodeWithinWhatWasReserved(String name, IntakeError code, String detail) {
        byte[] file = FILES.get(name);
        RasterBudget budget = RasterBudget.of(BUDGET);
        ImageDecoder decoder = new ImageDecoder(89_478_485, AlphaPolicy.WHITE, true, TurboJpeg.instance(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE, budget);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        if (code != null) {
            assertThatThrownBy(() -> decoder.decode(file)).isInstanceOfSatisfying(IntakeException.class,
                    e -> assertThat(e.error()).isEqualTo(code)).hasMessageContaining(detail);
            // Refusing costs the header read, a copy of the file at most, and ImageIO's small buffers.
            assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(8L << 20);
        } else {
            AtomicLong reserved = new AtomicLong();
            try (ImageDecoder.Decoded decoded = decoder.decodeHeld(file)) {
                reserved.set(BUDGET - budget.availableBytes());
                assertThat(decoded.image().width() + "x" + decoded.image().height()).isEqualTo(detail);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("heap allocated against %d bytes reserved", reserved.get())
                    .isLessThanOrEqualTo(reserved.get() + (2L << 20));
        }
        assertThat(budget.availableBytes()).isEqualTo(BUDGET);
    }

    /**
     * Larger images of each layout the JDK writes, so that the per-pixel costs, not fixed overheads, are compared.
     * The thread's total allocation bounds its peak from above; it is compared where the decoders' buffers live for
     * the whole decode. The JDK's LZW and JPEG-in-TIFF decompressors allocate several times the raster in short-lived
     * pieces (a string per code, a reader per strip) that never live together, so they are not listed.
     */
    static Stream<Arguments> written() {
        return Stream.of(
                Arguments.of("png", BufferedImage.TYPE_INT_RGB, null),
                Arguments.of("png", BufferedImage.TYPE_4BYTE_ABGR, null),
                Arguments.of("png", BufferedImage.TYPE_BYTE_GRAY, null),
                Arguments.of("png", BufferedImage.TYPE_USHORT_GRAY, null),
                Arguments.of("png", BufferedImage.TYPE_BYTE_BINARY, null),
                Arguments.of("png", BufferedImage.TYPE_BYTE_INDEXED, null),
                Arguments.of("bmp", BufferedImage.TYPE_3BYTE_BGR, null),
                Arguments.of("bmp", BufferedImage.TYPE_BYTE_INDEXED, null),
                Arguments.of("bmp", BufferedImage.TYPE_BYTE_BINARY, null),
                Arguments.of("bmp", BufferedImage.TYPE_USHORT_565_RGB, null),
                Arguments.of("bmp", BufferedImage.TYPE_INT_RGB, null),
                Arguments.of("bmp", BufferedImage.TYPE_BYTE_INDEXED, "BI_RLE8"),
                Arguments.of("tiff", BufferedImage.TYPE_3BYTE_BGR, null),
                Arguments.of("tiff", BufferedImage.TYPE_3BYTE_BGR, "Deflate"),
                Arguments.of("tiff", BufferedImage.TYPE_3BYTE_BGR, "PackBits"),
                Arguments.of("tiff", BufferedImage.TYPE_4BYTE_ABGR, "Deflate"),
                Arguments.of("tiff", BufferedImage.TYPE_USHORT_GRAY, null),
                Arguments.of("tiff", BufferedImage.TYPE_BYTE_BINARY, "CCITT T.6"),
                Arguments.of("tiff", BufferedImage.TYPE_3BYTE_BGR, "LZW"),
                Arguments.of("tiff", BufferedImage.TYPE_3BYTE_BGR, "JPEG"),
                Arguments.of("tiff", BufferedImage.TYPE_USHORT_GRAY, "Deflate"),
                Arguments.of("tiff", BufferedImage.TYPE_BYTE_GRAY, "LZW"),
                Arguments.of("gif", BufferedImage.TYPE_BYTE_INDEXED, null),
                Arguments.of("jpeg", BufferedImage.TYPE_3BYTE_BGR, "progressive"),
                Arguments.of("jpeg", BufferedImage.TYPE_BYTE_GRAY, null));
    }

    @ParameterizedTest
    @MethodSource("written")
    void shouldReserveAtLeastWhatTheDecoderAllocatesForLargerImages(String format, int type, String variant)
            throws Exception {
        assertReservationCovers(written(format, type, variant, 1200, 800));
    }

    private static byte[] written(String format, int type, String variant, int width, int height)
            throws IOException {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.RED, width, height, Color.BLUE));
        g.fillRect(0, 0, width, height);
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        if ("progressive".equals(variant)) {
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        } else if (variant != null) {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType(variant);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        }
        writer.dispose();
        return out.toByteArray();
    }

    private static void assertReservationCovers(byte[] file) {
        RasterBudget budget = RasterBudget.of(BUDGET);
        ImageDecoder decoder = new ImageDecoder(89_478_485, AlphaPolicy.WHITE, true, TurboJpeg.instance(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE, budget);
        decoder.decode(file);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        long reserved;
        try (ImageDecoder.Decoded decoded = decoder.decodeHeld(file)) {
            reserved = BUDGET - budget.availableBytes();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // ImageIO's reader objects cost some hundred KB whatever the image; the rest must be reserved.
        assertThat(allocated).as("heap allocated against %d bytes reserved", reserved)
                .isLessThanOrEqualTo(reserved + (1L << 20));
    }

    /** The reservation covers what the decoders really allocate on the heap, format by format. */
    @ParameterizedTest
    @ValueSource(strings = { "rgb16_120x90.png", "rgba16_64x48.png", "grey16_120x90.png", "palette_160x100.png",
            "bilevel_64x40.png", "rgb_900x600.png", "photo-progressive_320x200.jpg", "photo-444_320x200.jpg",
            "cmyk_320x200.jpg", "ycck_160x96.jpg", "rgb_96x64.gif", "offset_24x16.gif", "animated_96x64.gif",
            "rgb24_96x64.bmp", "palette8_96x64.bmp", "grey8_96x64.bmp", "rgb_96x64.tif", "rgba_96x64.tif",
            "rgb-lzw_96x64.tif", "grey-deflate_96x64.tif", "lossy_320x200.webp", "lossless_96x64.webp",
            "alpha-lossy_320x200.webp", "animated_96x64.webp", "exif6_64x40.jpg", "no-colour-table_32x20.gif",
            "interlaced_32x20.gif", "local-palette-trns_32x20.gif", "rle8_16x6.bmp", "rle4-delta_12x3.bmp",
            "os2v2-rgb24_24x10.bmp", "bgra-v4_24x10.bmp", "rgb565_24x10.bmp", "grey16-be_40x30.tif",
            "rgb16-le-planar_40x30.tif", "rgba16-be-assoc-planar-deflate_40x30.tif", "float32-deflate_40x30.tif",
            "cmyk-jpeg_48x32.tif", "lab-lzw_40x30.tif", "ycbcr-jpeg_48x32.tif", "ycbcr-lzw_40x30.tif",
            "rgb-lzma_40x30.tif", "rgb-zstd_40x30.tif", "rgb-webp_40x30.tif", "old-jpeg_48x32.tif",
            "rgb-tiled-lzw_40x30.tif", "rgb-bigtiff-deflate_40x30.tif", "palette4_40x30.tif",
            "orientation6-lzw_40x24.tif", "exif-after-idat6_40x24.png", "grey16-trns_48x32.png" })
    void shouldReserveAtLeastWhatTheDecoderAllocates(String golden) {
        assertReservationCovers(Goldens.bytes(golden));
    }
}
