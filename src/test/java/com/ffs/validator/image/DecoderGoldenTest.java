package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every format and colour mode decoded as Pillow 9.4 decodes it (after {@code ImageOps.exif_transpose}), both with
 * {@code convert("RGB")} ({@link AlphaPolicy#DROP}) and composited onto white ({@link AlphaPolicy#WHITE},
 * {@code Image.alpha_composite} over an opaque white image). Lossless formats must match exactly.
 */
class DecoderGoldenTest {

    static List<String> losslessCases() {
        List<String> out = new ArrayList<>();
        for (String file : Goldens.cases("lossless")) {
            if (Goldens.npz(file).containsKey("decoded_drop")) {
                out.add(file);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losslessCases")
    void shouldDecodeLosslessImagesExactlyAsPillow(String file) {
        Map<String, Goldens.NpyArray> golden = Goldens.npz(file);
        byte[] bytes = Goldens.bytes(file);
        RgbImage drop = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.DROP).decode(bytes);
        RgbImage white = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE).decode(bytes);
        assertSame(drop, golden.get("decoded_drop").rgb(), file + " convert(\"RGB\")");
        assertSame(white, golden.get("decoded_white").rgb(), file + " over white");
    }

    static List<String> jpegCases() {
        return Goldens.cases("jpeg");
    }

    /**
     * libjpeg-turbo with its defaults (accurate IDCT, fancy upsampling) is what Pillow runs, so every JPEG, CMYK and
     * YCCK included, decodes to identical pixels.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jpegCases")
    void shouldDecodeJpegExactlyAsPillowWithLibjpegTurbo(String file) {
        assertThat(TurboJpeg.instance()).as("libturbojpeg installed (Debian: libturbojpeg0)").isPresent();
        RgbImage decoded = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.DROP).decode(Goldens.bytes(file));
        assertSame(decoded, Goldens.npz(file).get("decoded_drop").rgb(), file);
    }

    /**
     * Without libturbojpeg the service falls back to ImageIO (libjpeg 6b inside the JDK). Measured on the golden
     * YCbCr JPEGs: every value within 1 grey level of Pillow's, most identical (the figures are printed); the
     * requirement is at least 99.9% of values within 1 level. CMYK and YCCK JPEGs go through TwelveMonkeys' ICC
     * conversion instead of Pillow's formula and are not held to it.
     */
    @Test
    void shouldStayWithinOneGreyLevelOfPillowWithTheImageIoFallback() {
        ImageDecoder fallback = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.DROP, true, Optional.empty(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE);
        for (String file : jpegCases()) {
            if (file.startsWith("cmyk") || file.startsWith("ycck") || Goldens.caseOf(file).has("category")) {
                continue;
            }
            RgbImage expected = Goldens.npz(file).get("decoded_drop").rgb();
            RgbImage actual = fallback.decode(Goldens.bytes(file));
            Diff d = Diff.of(actual, expected);
            System.out.printf("ImageIO vs Pillow %-34s %s%n", file, d);
            assertThat(d.withinOneShare()).as(file + " values within 1 level").isGreaterThanOrEqualTo(0.999);
        }
    }

    /**
     * Damage that libjpeg only warns about is tolerated by the ImageIO fallback as well; its libjpeg 6b recovers
     * from corrupt data its own way, so such images are close to Pillow's, not identical. Measured (printed): stray
     * bytes and cut segments decode identically, a corrupt Huffman code differs by 0.9 grey levels on average and a
     * progressive scan cut short by 4.5 (libjpeg-turbo keeps what the cut scan refined, 6b does not).
     */
    @Test
    void shouldTolerateJpegWarningsWithTheImageIoFallbackToo() {
        ImageDecoder fallback = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.DROP, true, Optional.empty(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE);
        for (String file : jpegCases()) {
            if (!Goldens.caseOf(file).has("category")) {
                continue;
            }
            Diff d = Diff.of(fallback.decode(Goldens.bytes(file)), Goldens.npz(file).get("decoded_drop").rgb());
            System.out.printf("ImageIO vs Pillow %-34s %s%n", file, d);
            assertThat(d.meanAbs()).as(file).isLessThan(8.0);
        }
    }

    static List<String> lossyWebpCases() {
        return Goldens.cases("lossy");
    }

    /** libwebp's animation decoder is what Pillow 9.4 runs for every WebP, so lossy pixels match exactly. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lossyWebpCases")
    void shouldDecodeLossyWebpExactlyAsPillowWithLibwebp(String file) {
        assertThat(LibWebp.instance()).as("libwebp installed (Debian: libwebp7, libwebpdemux2)").isPresent();
        Map<String, Goldens.NpyArray> golden = Goldens.npz(file);
        byte[] bytes = Goldens.bytes(file);
        assertSame(new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.DROP).decode(bytes), golden.get("decoded_drop").rgb(),
                file);
        assertSame(new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE).decode(bytes),
                golden.get("decoded_white").rgb(), file + " over white");
    }

    /**
     * Without libwebp, TwelveMonkeys' Java VP8 decoder takes over: lossless files stay exact, lossy ones drift
     * (its upsampling and YUV conversion differ from libwebp's). Measured on the golden lossy files: see the printed
     * figures; asserted here is only that the fallback decodes the same picture (mean difference of a few levels).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lossyWebpCases")
    void shouldDecodeLossyWebpRoughlyWithTheJavaFallback(String file) {
        // Over white, so colours hidden under full transparency (which decoders fill differently) do not count.
        ImageDecoder fallback = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE, true, TurboJpeg.instance(),
                Optional.empty(), ImageDecoder.RasterListener.NONE);
        Diff d = Diff.of(fallback.decode(Goldens.bytes(file)), Goldens.npz(file).get("decoded_white").rgb());
        System.out.printf("WebP TwelveMonkeys vs Pillow %-26s %s%n", file, d);
        assertThat(d.meanAbs()).isLessThan(5.0);
    }

    @Test
    void shouldDecodeLosslessWebpExactlyWithTheJavaFallback() {
        ImageDecoder fallback = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.DROP, true, TurboJpeg.instance(),
                Optional.empty(), ImageDecoder.RasterListener.NONE);
        for (String file : List.of("lossless_96x64.webp", "alpha-lossless_96x64.webp")) {
            assertSame(fallback.decode(Goldens.bytes(file)), Goldens.npz(file).get("decoded_drop").rgb(), file);
        }
    }

    static List<String> refusedCases() {
        List<String> out = new ArrayList<>();
        for (JsonNode c : Goldens.manifest().get("cases")) {
            if (c.has("refused")) {
                out.add(c.get("file").asText());
            }
        }
        return out;
    }

    /**
     * What Pillow cannot open or load (its error is in the manifest) is refused too, with the code that says why:
     * {@code DECODE_FAILED} for data that runs out or is damaged, {@code UNSUPPORTED_FORMAT} for variants Pillow does
     * not read.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedCases")
    void shouldRefuseWhatPillowRefuses(String file) {
        IntakeError expected = IntakeError.valueOf(Goldens.caseOf(file).get("refused").asText());
        byte[] bytes = Goldens.bytes(file);
        assertThatThrownBy(() -> new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE).decode(bytes))
                .as(file + " (Pillow: " + Goldens.caseOf(file).get("pillow_error").asText() + ")")
                .isInstanceOfSatisfying(IntakeException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }

    /**
     * Without libtiff, uncompressed TIFFs still go through the port of Pillow's raw decoder (exact), compressions
     * the JDK's reader has fall back to ImageIO, and the others are refused with the reason.
     */
    @Test
    void shouldFallBackToImageIoForCompressedTiffsWithoutLibtiff() {
        ImageDecoder noLibtiff = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.DROP, true, TurboJpeg.instance(),
                LibWebp.instance(), Optional.empty(), ImageDecoder.RasterListener.NONE, RasterBudget.unlimited(),
                ImageDecoder.DecodeWarnings.NONE);
        for (String file : List.of("grey16-be_40x30.tif", "rgb16-le-planar_40x30.tif", "rgb-lzw_96x64.tif",
                "grey-deflate_96x64.tif")) {
            assertSame(noLibtiff.decode(Goldens.bytes(file)), Goldens.npz(file).get("decoded_drop").rgb(), file);
        }
        assertThatThrownBy(() -> noLibtiff.decode(Goldens.bytes("rgb-lzma_40x30.tif")))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.UNSUPPORTED_FORMAT))
                .hasMessageContaining("needs libtiff");
    }

    @Test
    void shouldRefuseCielabWithoutLittleCms() {
        ModeImage lab = ModeImage.allocate(PillowMode.LAB, 2, 2);
        assertThatThrownBy(() -> lab.toRgb(AlphaPolicy.DROP, Optional.empty()))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.UNSUPPORTED_FORMAT))
                .hasMessageContaining("LittleCMS");
    }

    static void assertSame(RgbImage actual, RgbImage expected, String what) {
        assertThat(actual.width() + "x" + actual.height()).as(what + " size")
                .isEqualTo(expected.width() + "x" + expected.height());
        assertThat(PreprocessorGoldenTest.firstDifference(actual, expected)).as(what + ": first differing sample")
                .isEqualTo("none");
    }

    /** How far two rasters of one size are apart. */
    record Diff(long values, long identical, long withinOne, int maxAbs, long sumAbs) {

        static Diff of(RgbImage a, RgbImage b) {
            assertThat(a.width()).isEqualTo(b.width());
            assertThat(a.height()).isEqualTo(b.height());
            long same = 0;
            long one = 0;
            int max = 0;
            long sum = 0;
            byte[] pa = a.pixels();
            byte[] pb = b.pixels();
            for (int i = 0; i < pa.length; i++) {
                int d = Math.abs((pa[i] & 0xFF) - (pb[i] & 0xFF));
                same += d == 0 ? 1 : 0;
                one += d <= 1 ? 1 : 0;
                max = Math.max(max, d);
                sum += d;
            }
            return new Diff(pa.length, same, one, max, sum);
        }

        double meanAbs() {
            return (double) sumAbs / values;
        }

        double withinOneShare() {
            return (double) withinOne / values;
        }

        @Override
        public String toString() {
            return String.format("identical %.3f%%, within 1 level %.4f%%, mean |diff| %.2f, max |diff| %d (%d values)",
                    100.0 * identical / values, 100.0 * withinOne / values, meanAbs(), maxAbs, values);
        }
    }
}
