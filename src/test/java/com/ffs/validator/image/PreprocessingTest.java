package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One image for several models at once gives each model exactly what {@link Preprocessor#write} gives it alone,
 * in any order, and does the shared horizontal pass once.
 */
class PreprocessingTest {

    private static final List<PreprocessorConfig> MODELS = List.of(Goldens.model("nsfw"), Goldens.model("clip"),
            Goldens.model("siglip"));

    @Test
    void shouldWriteWhatEachModelGetsAloneInAnyOrder() throws Exception {
        Random random = new Random(17);
        List<PreprocessorConfig> configs = new ArrayList<>(MODELS);
        // A crop larger than the resize (padding), and one without any resize.
        configs.add(PreprocessorConfig.parse(new ObjectMapper().readTree("{\"image_processor_type\": "
                + "\"CLIPImageProcessor\", \"size\": {\"shortest_edge\": 100}, \"crop_size\": 150}")));
        configs.add(PreprocessorConfig.parse(new ObjectMapper().readTree("{\"do_resize\": false, "
                + "\"do_center_crop\": true, \"crop_size\": 64}")));
        int[][] sizes = { { 1000, 1000 }, { 600, 900 }, { 900, 600 }, { 224, 224 }, { 224, 500 }, { 50, 70 }, { 3, 400 } };
        for (int[] size : sizes) {
            RgbImage image = PillowResizeTest.randomImage(random, size[0], size[0], size[1]);
            for (ResizeKernels kernels : List.of(ResizeKernels.instance(), ResizeKernels.scalar())) {
                List<PreprocessorConfig> order = new ArrayList<>(configs);
                Collections.shuffle(order, random);
                Preprocessing preprocessing = new Preprocessing(image, configs, kernels, null);
                for (PreprocessorConfig cfg : order) {
                    FloatBuffer together = FloatBuffer.allocate(cfg.tensorSize());
                    preprocessing.write(cfg, together);
                    FloatBuffer alone = FloatBuffer.allocate(cfg.tensorSize());
                    Preprocessor.write(image, cfg, alone, ResizeKernels.scalar());
                    assertThat(together.array()).as("%dx%d %s", size[0], size[1], cfg).isEqualTo(alone.array());
                }
            }
        }
    }

    @Test
    void shouldFilterThePortraitRowsOnceForClipAndSiglip() {
        RgbImage portrait = PillowResizeTest.randomImage(new Random(3), 1, 600, 900);
        PillowResize.Work together = new PillowResize.Work();
        Preprocessing preprocessing = new Preprocessing(portrait, MODELS, ResizeKernels.scalar(), together);
        for (PreprocessorConfig cfg : MODELS) {
            preprocessing.write(cfg, FloatBuffer.allocate(cfg.tensorSize()));
        }
        PillowResize.Work alone = new PillowResize.Work();
        for (PreprocessorConfig cfg : MODELS) {
            Preprocessor.resizeAndCrop(portrait, cfg, PillowResize.Limits.DEFAULT, alone, ResizeKernels.scalar());
        }
        // CLIP's horizontal pass (600 -> 224 bicubic over the 620 rows its crop reads) is a quarter of the three
        // models' work; SigLIP's (the same over all 900 rows) covers it.
        assertThat(together.multiplyAdds).isLessThan(alone.multiplyAdds * 4 / 5);
    }

    @Test
    void shouldRefuseAConfigurationItWasNotGiven() {
        Preprocessing preprocessing = new Preprocessing(PillowResizeTest.randomImage(new Random(1), 1, 10, 10),
                MODELS.subList(0, 1));
        assertThatThrownBy(() -> preprocessing.write(MODELS.get(1), FloatBuffer.allocate(3 * 224 * 224)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
