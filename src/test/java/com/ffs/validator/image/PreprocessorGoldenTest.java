package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three real models' preprocessing against stock Pillow + numpy (Hugging Face's PIL pipeline, reproduced by
 * {@code src/test/python/make_goldens.py}): every input must give the same uint8 raster after resize and crop, and
 * the same float32 tensor (max abs difference at most 1e-6; in practice 0). PNG inputs hold for any decoder; the
 * JPEG inputs hold because libjpeg-turbo decodes them exactly as Pillow does (see {@link DecoderGoldenTest}).
 */
class PreprocessorGoldenTest {

    private static final List<String> MODELS = List.of("nsfw", "clip", "siglip");

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String file : Goldens.cases("preprocess")) {
            for (String model : MODELS) {
                out.add(Arguments.of(file, model));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void shouldMatchPillowExactly(String file, String model) {
        Map<String, Goldens.NpyArray> golden = Goldens.npz(file);
        PreprocessorConfig cfg = Goldens.model(model);
        RgbImage decoded = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.DROP).decode(Goldens.bytes(file));

        int[] box = golden.get(model + "_box").ints();
        int[] resized = Preprocessor.resizedSize(decoded, cfg);
        assertThat(new int[] { resized[1], resized[0] }).as("resized height, width")
                .containsExactly(box[2], box[3]);

        RgbImage expectedPixels = golden.get(model + "_pixels").rgb();
        RgbImage actualPixels = Preprocessor.resizeAndCrop(decoded, cfg);
        assertThat(actualPixels.width()).isEqualTo(expectedPixels.width());
        assertThat(actualPixels.height()).isEqualTo(expectedPixels.height());
        assertThat(firstDifference(actualPixels, expectedPixels)).as("first differing uint8 sample").isEqualTo("none");

        float[] expected = tensor(expectedPixels, golden.get(model + "_lut").floats());
        FloatBuffer actual = FloatBuffer.allocate(cfg.tensorSize() + 5);
        actual.position(5);
        Preprocessor.write(decoded, cfg, actual);
        assertThat(actual.position()).isEqualTo(5 + cfg.tensorSize());
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i] - actual.get(5 + i)));
        }
        assertThat(maxAbs).as("max abs difference of the float32 tensor").isLessThanOrEqualTo(1e-6);
    }

    /** Pillow's CHW tensor, rebuilt from its uint8 raster and numpy's per-value results (checked by the script). */
    static float[] tensor(RgbImage pixels, float[] lut) {
        int plane = pixels.width() * pixels.height();
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < pixels.height(); y++) {
                for (int x = 0; x < pixels.width(); x++) {
                    out[c * plane + y * pixels.width() + x] = lut[c * 256 + pixels.sample(x, y, c)];
                }
            }
        }
        return out;
    }

    static String firstDifference(RgbImage a, RgbImage b) {
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                for (int c = 0; c < 3; c++) {
                    if (a.sample(x, y, c) != b.sample(x, y, c)) {
                        return "(" + x + "," + y + ") channel " + c + ": " + a.sample(x, y, c) + " vs "
                                + b.sample(x, y, c);
                    }
                }
            }
        }
        return "none";
    }
}
