package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.sun.management.ThreadMXBean;

/**
 * Images of extreme aspect ratio through the three real models' preprocessing: each is resized exactly (against
 * the line-by-line port), with work of the order of milliseconds and memory of the order of the model's input,
 * within {@link Preprocessor#workingBytes}; the few whose exact resize would take seconds are refused from their
 * sizes alone.
 */
class PreprocessorBoundsTest {

    private static final List<String> MODELS = List.of("nsfw", "clip", "siglip");
    /** Work of at most tens of milliseconds: a ~1 MP photo needs about 40 million multiply-adds per model. */
    private static final long QUICK_WORK = 300_000_000L;

    static List<Arguments> extremeShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int[] size : new int[][] { { 1_785_714, 1 }, { 1, 1_785_714 }, { 50_000, 2 }, { 2, 50_000 } }) {
            for (String model : MODELS) {
                out.add(Arguments.of(size[0], size[1], model));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}x{1} {2}")
    @MethodSource("extremeShapes")
    void shouldPreprocessExtremeShapesExactlyQuicklyAndWithinTheBound(int width, int height, String model) {
        PreprocessorConfig cfg = Goldens.model(model);
        RgbImage image = PillowResizeTest.randomImage(new Random(width ^ height), 1, width, height);

        PillowResize.Work work = new PillowResize.Work();
        RgbImage actual = Preprocessor.resizeAndCrop(image, cfg, PillowResize.Limits.DEFAULT, work,
                ResizeKernels.instance());
        RgbImage expected = expected(image, cfg);
        assertThat(PreprocessorGoldenTest.firstDifference(actual, expected)).as("first difference").isEqualTo("none");
        RgbImage scalar = Preprocessor.resizeAndCrop(image, cfg, PillowResize.Limits.DEFAULT, null,
                ResizeKernels.scalar());
        assertThat(PreprocessorGoldenTest.firstDifference(scalar, expected)).as("scalar kernels").isEqualTo("none");
        assertThat(work.total()).as("multiply-adds plus weighted filter evaluations").isLessThan(QUICK_WORK);

        long bound = Preprocessor.workingBytes(width, height, cfg);
        long allocated = allocatedByWrite(image, cfg);
        assertThat(allocated).as("bytes one preprocessing allocated").isPositive().isLessThanOrEqualTo(bound);
        // Of the order of the model's input (150 KB of pixels), far below the source raster or the target size.
        assertThat(bound).as("bound").isLessThan(1L << 20);
    }

    @Test
    void shouldRefuseFromTheSizesAloneWhatCannotBeResizedQuickly() {
        // Squashing 1,785,714 rows of three distinct columns reads every row for all 224 output columns: 4.8
        // billion multiply-adds. One column has one distinct column and is fine (above).
        assertTooLarge(3, 1_785_714, "siglip", "billion operations");
        assertTooLarge(1, 89_478_485, "siglip", "billion operations");
        assertTooLarge(1, 89_478_485, "nsfw", "billion operations");
        // Shortest edge 224 of 1 x 10,000,000 is 224 x 2,240,000,000 pixels, more than one axis holds.
        assertTooLarge(1, 10_000_000, "clip", "resized to 224x2240000000");

        RgbImage image = new RgbImage(3, 1_785_714, new byte[3 * 1_785_714 * 3]);
        PreprocessorConfig siglip = Goldens.model("siglip");
        FloatBuffer tensor = FloatBuffer.allocate(siglip.tensorSize());
        long[] allocated = new long[1];
        assertThatThrownBy(() -> {
            long before = allocatedBytes();
            try {
                Preprocessor.write(image, siglip, tensor);
            } finally {
                allocated[0] = allocatedBytes() - before;
            }
        }).isInstanceOfSatisfying(IntakeException.class,
                e -> assertThat(e.error()).isEqualTo(IntakeError.IMAGE_TOO_LARGE));
        assertThat(allocated[0]).as("bytes allocated before refusing").isLessThan(1L << 14);
    }

    @Test
    void shouldBoundWhatOrdinaryPhotosAllocate() {
        Random random = new Random(5);
        for (int i = 0; i < 30; i++) {
            int w = 1 + random.nextInt(i % 3 == 0 ? 3000 : 600);
            int h = 1 + random.nextInt(i % 4 == 0 ? 3000 : 600);
            RgbImage image = PillowResizeTest.randomImage(random, i, w, h);
            for (String model : MODELS) {
                PreprocessorConfig cfg = Goldens.model(model);
                long allocated = allocatedByWrite(image, cfg);
                assertThat(allocated).as("%dx%d %s", w, h, model)
                        .isLessThanOrEqualTo(Preprocessor.workingBytes(w, h, cfg));
            }
        }
    }

    @Test
    void shouldResizeAOnePixelWideImageAsItsOneColumnResizeRepeated() {
        // The identity the squash expectations below rely on: widening one column copies it (one tap of weight
        // 1.0), so every output column is the vertical pass of the source column.
        Random random = new Random(9);
        for (Resample filter : new Resample[] { Resample.BILINEAR, Resample.BICUBIC, Resample.LANCZOS }) {
            RgbImage tall = PillowResizeTest.randomImage(random, 1, 1, 3000);
            assertThat(ReferenceResize.resize(tall, 224, 224, filter).pixels())
                    .isEqualTo(repeatColumns(ReferenceResize.resize(tall, 1, 224, filter), 224).pixels());
        }
    }

    private static void assertTooLarge(int width, int height, String model, String message) {
        assertThatThrownBy(() -> Preprocessor.workingBytes(width, height, Goldens.model(model)))
                .as("%dx%d %s", width, height, model)
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.IMAGE_TOO_LARGE))
                .hasMessageContaining(message);
    }

    /** Pillow's result from the line-by-line port: whole where it fits, else pixel by pixel over the crop. */
    private static RgbImage expected(RgbImage image, PreprocessorConfig cfg) {
        int[] size = Preprocessor.resizedSize(image, cfg);
        if (cfg.resizeMode() == PreprocessorConfig.ResizeMode.EXACT && !cfg.centerCrop()) {
            if (image.width() == 1) {
                return repeatColumns(ReferenceResize.resize(image, 1, size[1], cfg.resample()), size[0]);
            }
            return ReferenceResize.resize(image, size[0], size[1], cfg.resample());
        }
        int outW = cfg.outputWidth();
        int outH = cfg.outputHeight();
        int left = Math.floorDiv(size[0] - outW, 2);
        int top = Math.floorDiv(size[1] - outH, 2);
        assertThat(left).isNotNegative();
        assertThat(top).isNotNegative();
        byte[] px = new byte[outW * outH * 3];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int[] rgb = ReferenceResize.pixel(image, size[0], size[1], cfg.resample(), x + left, y + top);
                for (int c = 0; c < 3; c++) {
                    px[(y * outW + x) * 3 + c] = (byte) rgb[c];
                }
            }
        }
        return new RgbImage(outW, outH, px);
    }

    private static RgbImage repeatColumns(RgbImage column, int width) {
        byte[] px = new byte[width * column.height() * 3];
        for (int y = 0; y < column.height(); y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(column.pixels(), y * 3, px, (y * width + x) * 3, 3);
            }
        }
        return new RgbImage(width, column.height(), px);
    }

    /**
     * Bytes one {@link Preprocessor#write} allocates, with the scalar kernels: until the JIT has compiled them, the
     * SIMD kernels box their vectors on the heap, short-lived garbage the bound does not count (they allocate no
     * array of their own beyond the weights laid out for them, which the bound covers). The least of two runs, as
     * the first may load classes.
     */
    private static long allocatedByWrite(RgbImage image, PreprocessorConfig cfg) {
        FloatBuffer tensor = FloatBuffer.allocate(cfg.tensorSize());
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            tensor.clear();
            long before = allocatedBytes();
            Preprocessor.write(image, cfg, tensor, ResizeKernels.scalar());
            least = Math.min(least, allocatedBytes() - before);
        }
        return least;
    }

    private static long allocatedBytes() {
        return ((ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
