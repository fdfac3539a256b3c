package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.sun.management.ThreadMXBean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;

/** Decode limits, damaged data, what is not an image, and the per-format paths. */
class ImageDecoderTest {

    private static final long CAP = 89_478_485L;

    /** Records every raster the decoder is about to allocate. */
    static final class Allocations implements ImageDecoder.RasterListener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void allocating(ImageFormat format, long width, long height) {
            seen.add(format + " " + width + "x" + height);
        }
    }

    static ImageDecoder decoder(Allocations allocations) {
        return new ImageDecoder(CAP, AlphaPolicy.WHITE, true, TurboJpeg.instance(), LibWebp.instance(), allocations);
    }

    static byte[] golden(String file) {
        return Goldens.bytes(file);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The pixel cap comes before any raster

    /** Small files (a few hundred bytes to a few KB) whose headers declare 30000x30000 (16384x16384 for WebP). */
    static byte[] bomb(String format) {
        return switch (format) {
            case "png" -> pngWithSize(golden("rgb_97x61.png"), 30000, 30000);
            case "jpeg" -> jpegWithSize(golden("photo-odd_97x61.jpg"), 30000, 30000);
            case "gif" -> littleEndianAt(golden("rgb_96x64.gif"), 6, 30000, 8, 30000, 2);
            case "bmp" -> littleEndianAt(golden("rgb24_96x64.bmp"), 18, 30000, 22, 30000, 4);
            case "webp" -> webpLosslessWithSize(golden("lossless_96x64.webp"), 16384, 16384);
            case "tiff" -> tiffWithSize(golden("rgb_96x64.tif"), 30000, 30000);
            default -> throw new IllegalArgumentException(format);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = { "png", "jpeg", "gif", "bmp", "webp", "tiff" })
    void shouldRefuseAPixelBombFromItsHeaderWithoutAllocatingARaster(String format) {
        byte[] bomb = bomb(format);
        assertThat(bomb.length).isLessThan(64 * 1024);
        Allocations allocations = new Allocations();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(() -> decoder(allocations).decode(bomb))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.IMAGE_TOO_LARGE))
                .hasMessageContaining("exceeds the cap");

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocations.seen).as("rasters allocated").isEmpty();
        // A 30000x30000 RGB raster is 2.7 GB; reading a header costs a few MB of heap at most (ImageIO buffers).
        assertThat(allocated).as("heap allocated while refusing").isLessThan(32L << 20);
    }

    @ParameterizedTest
    @ValueSource(strings = { "rgb_97x61.png", "photo-odd_97x61.jpg", "rgb_96x64.gif", "rgb24_96x64.bmp",
            "lossless_96x64.webp", "rgb_96x64.tif" })
    void shouldReportTheRasterItAllocatesSoTheBombTestCanFail(String file) {
        Allocations allocations = new Allocations();
        RgbImage image = decoder(allocations).decode(golden(file));
        assertThat(allocations.seen).containsExactly(ImageFormat.sniff(golden(file)) + " " + image.width() + "x"
                + image.height());
    }

    @Test
    void shouldAcceptImagesUpToTheCapExactly() {
        ImageDecoder tight = new ImageDecoder(97 * 61, AlphaPolicy.WHITE);
        assertThat(tight.decode(golden("rgb_97x61.png")).width()).isEqualTo(97);
        ImageDecoder tighter = new ImageDecoder(97 * 61 - 1, AlphaPolicy.WHITE);
        assertThatThrownBy(() -> tighter.decode(golden("rgb_97x61.png")))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.IMAGE_TOO_LARGE));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Damaged data is DECODE_FAILED, never a partly grey image

    @ParameterizedTest
    @ValueSource(strings = { "photo-420_320x200.jpg", "photo-progressive_320x200.jpg", "rgb_333x500.png",
            "rgb_96x64.gif", "rgb24_96x64.bmp", "lossy_320x200.webp", "lossless_96x64.webp", "rgb-lzw_96x64.tif" })
    void shouldRefuseTruncatedImages(String file) {
        byte[] whole = golden(file);
        for (double keep : new double[] { 0.5, 0.9 }) {
            byte[] cut = Arrays.copyOf(whole, (int) (whole.length * keep));
            assertThatThrownBy(() -> decoder(new Allocations()).decode(cut)).as(file + " cut to " + keep)
                    .isInstanceOfSatisfying(IntakeException.class,
                            e -> assertThat(e.error()).isEqualTo(IntakeError.DECODE_FAILED));
        }
    }

    @Test
    void shouldRefuseTruncatedJpegWithTheImageIoFallbackToo() {
        ImageDecoder imageIo = new ImageDecoder(CAP, AlphaPolicy.WHITE, true, Optional.empty(), LibWebp.instance(),
                ImageDecoder.RasterListener.NONE);
        for (String file : List.of("photo-420_320x200.jpg", "photo-progressive_320x200.jpg")) {
            byte[] whole = golden(file);
            byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3);
            assertThatThrownBy(() -> imageIo.decode(cut)).as(file)
                    .isInstanceOfSatisfying(IntakeException.class,
                            e -> assertThat(e.error()).isEqualTo(IntakeError.DECODE_FAILED));
        }
    }

    @Test
    void shouldRefuseTheCommittedTruncatedJpeg() throws Exception {
        byte[] truncated;
        try (var in = ImageDecoderTest.class.getResourceAsStream("/images/formats/truncated.jpg")) {
            truncated = in.readAllBytes();
        }
        assertThatThrownBy(() -> decoder(new Allocations()).decode(truncated))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.DECODE_FAILED));
    }

    @Test
    void shouldRefuseHeadersWithoutImageData() {
        byte[] png = golden("rgb_97x61.png");
        assertThatThrownBy(() -> decoder(new Allocations()).decode(Arrays.copyOf(png, 40)))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.DECODE_FAILED));
        byte[] jpeg = new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 4, 0, 0 };
        assertThatThrownBy(() -> decoder(new Allocations()).decode(jpeg))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.DECODE_FAILED));
    }

    @Test
    void shouldRefuseCorruptPngData() {
        byte[] png = golden("rgb_333x500.png").clone();
        for (int i = png.length / 2; i < png.length / 2 + 64; i++) {
            png[i] ^= 0x5A;
        }
        assertThatThrownBy(() -> decoder(new Allocations()).decode(png))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.DECODE_FAILED));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Not an image, or not one we decode

    @Test
    void shouldCallEmptyBodiesAndHtmlPagesUnsupported() {
        assertUnsupported(new byte[0], "empty body");
        assertUnsupported("<!DOCTYPE html><html><body>404 Not Found</body></html>".getBytes(StandardCharsets.UTF_8),
                "HTML page");
        assertUnsupported("\n  <html><head><title>Error</title></head></html>".getBytes(StandardCharsets.UTF_8),
                "HTML page");
        assertUnsupported("{\"error\": \"not found\"}".getBytes(StandardCharsets.UTF_8), "JSON");
        assertUnsupported(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, "unrecognised");
    }

    @Test
    void shouldNameTheFormatsItDoesNotDecode() {
        assertUnsupported(ftyp("heic"), "HEIC");
        assertUnsupported(ftyp("mif1"), "HEIC");
        assertUnsupported(ftyp("avif"), "AVIF");
        assertUnsupported(new byte[] { (byte) 0xFF, 0x0A, 1, 2, 3, 4, 5, 6 }, "JPEG XL");
        assertUnsupported("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".getBytes(StandardCharsets.UTF_8), "SVG");
        assertUnsupported("%PDF-1.7\n...".getBytes(StandardCharsets.UTF_8), "PDF");
        assertUnsupported("8BPS\0\1\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1), "PSD");
    }

    private static byte[] ftyp(String brand) {
        byte[] b = new byte[32];
        b[3] = 24;
        System.arraycopy(("ftyp" + brand).getBytes(StandardCharsets.US_ASCII), 0, b, 4, 8);
        return b;
    }

    private static void assertUnsupported(byte[] bytes, String named) {
        assertThatThrownBy(() -> decoder(new Allocations()).decode(bytes))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.UNSUPPORTED_FORMAT))
                .hasMessageContaining(named);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Options

    @Test
    void shouldLeaveExifOrientationAloneWhenSwitchedOff() {
        byte[] rotated = golden("exif6_40x24.png");
        RgbImage applied = new ImageDecoder(CAP, AlphaPolicy.DROP).decode(rotated);
        RgbImage asStored = new ImageDecoder(CAP, AlphaPolicy.DROP, false, TurboJpeg.instance(), LibWebp.instance(),
                ImageDecoder.RasterListener.NONE).decode(rotated);
        assertThat(applied.width() + "x" + applied.height()).isEqualTo("24x40");
        assertThat(asStored.width() + "x" + asStored.height()).isEqualTo("40x24");
    }

    @Test
    void shouldCountTheJpegWarningsItTolerates() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ImageDecoder decoder = new ImageDecoder(new ImageConfig() {
            @Override
            public long maxPixels() {
                return CAP;
            }

            @Override
            public Optional<MemorySize> rasterMemory() {
                return Optional.empty();
            }

            @Override
            public AlphaPolicy alpha() {
                return AlphaPolicy.WHITE;
            }

            @Override
            public boolean exifOrientation() {
                return true;
            }

            @Override
            public JpegDecoder jpegDecoder() {
                return JpegDecoder.AUTO;
            }

            @Override
            public DecodeScaling decodeScaling() {
                return DecodeScaling.EXACT;
            }
        }, registry);
        decoder.decode(golden("photo-420_320x200.jpg"));
        assertThat(registry.find("validator.image.decode.warnings").counter()).isNull();
        decoder.decode(golden("junk-before-markers_96x64.jpg"));
        decoder.decode(golden("corrupt-entropy_96x64.jpg"));
        assertThat(registry.get("validator.image.decode.warnings").tag("format", "jpeg").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldRefuseDataThatRunsOutAsPillowDoes() {
        for (String file : List.of("truncated-scan_96x64.jpg", "no-eoi_96x64.jpg", "progressive-truncated_96x64.jpg",
                "progressive-no-eoi_96x64.jpg", "truncated-first-frame_32x20.gif", "rle8-short_16x4.bmp")) {
            assertThatThrownBy(() -> decoder(new Allocations()).decode(golden(file))).as(file)
                    .isInstanceOfSatisfying(IntakeException.class,
                            e -> assertThat(e.error()).isEqualTo(IntakeError.DECODE_FAILED))
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void shouldPortPillowsAlphaCompositeOverWhite() {
        // Values computed with Pillow 9.4: Image.alpha_composite(white, Image.new("RGBA", (1, 1), (c, c, c, a)))
        assertThat(PillowColour.overWhite(0, 0)).isEqualTo(255);
        assertThat(PillowColour.overWhite(0, 255)).isEqualTo(0);
        assertThat(PillowColour.overWhite(0, 128)).isEqualTo(127);
        assertThat(PillowColour.overWhite(200, 1)).isEqualTo(255);
        assertThat(PillowColour.overWhite(10, 77)).isEqualTo(181);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Header surgery for the bombs

    static byte[] pngWithSize(byte[] png, int w, int h) {
        byte[] b = png.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        buf.putInt(16, w).putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17);
        buf.putInt(29, (int) crc.getValue());
        return b;
    }

    static byte[] jpegWithSize(byte[] jpeg, int w, int h) {
        byte[] b = jpeg.clone();
        for (int p = 2; p + 9 < b.length;) {
            int marker = b[p + 1] & 0xFF;
            int length = (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
            if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
                b[p + 5] = (byte) (h >> 8);
                b[p + 6] = (byte) h;
                b[p + 7] = (byte) (w >> 8);
                b[p + 8] = (byte) w;
                return b;
            }
            p += 2 + length;
        }
        throw new IllegalStateException("no SOF marker");
    }

    static byte[] littleEndianAt(byte[] bytes, int wAt, int w, int hAt, int h, int width) {
        byte[] b = bytes.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (width == 2) {
            buf.putShort(wAt, (short) w).putShort(hAt, (short) h);
        } else {
            buf.putInt(wAt, w).putInt(hAt, h);
        }
        return b;
    }

    static byte[] webpLosslessWithSize(byte[] webp, int w, int h) {
        byte[] b = webp.clone();
        if (!new String(b, 12, 4, StandardCharsets.US_ASCII).equals("VP8L")) {
            throw new IllegalStateException("expected a simple lossless WebP");
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int bits = buf.getInt(21);
        bits = (bits & ~0x0FFFFFFF) | (w - 1) | (h - 1) << 14;
        buf.putInt(21, bits);
        return b;
    }

    static byte[] tiffWithSize(byte[] tiff, int w, int h) {
        byte[] b = tiff.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = buf.getInt(4);
        int entries = buf.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int e = ifd + 2 + i * 12;
            int tag = buf.getShort(e) & 0xFFFF;
            int type = buf.getShort(e + 2) & 0xFFFF;
            if (tag == 256 || tag == 257) {
                int v = tag == 256 ? w : h;
                if (type == 3) {
                    buf.putShort(e + 8, (short) v);
                } else {
                    buf.putInt(e + 8, v);
                }
            }
        }
        return b;
    }
}
