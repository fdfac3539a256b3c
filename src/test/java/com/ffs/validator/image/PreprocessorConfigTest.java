package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** preprocessor_config.json as the three real models ship it, and malformed variants. */
class PreprocessorConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void shouldReadFalconsaisVitConfig() throws Exception {
        PreprocessorConfig c = PreprocessorConfig.parse(json("""
                {"do_normalize": true, "do_rescale": true, "do_resize": true,
                 "image_mean": [0.5, 0.5, 0.5], "image_processor_type": "ViTImageProcessor",
                 "image_std": [0.5, 0.5, 0.5], "resample": 2, "rescale_factor": 0.00392156862745098,
                 "size": {"height": 224, "width": 224}}"""));
        assertThat(c.resizeMode()).isEqualTo(PreprocessorConfig.ResizeMode.EXACT);
        assertThat(c.resample()).isEqualTo(Resample.BILINEAR);
        assertThat(c.centerCrop()).isFalse();
        assertThat(c.tensorSize()).isEqualTo(3 * 224 * 224);
    }

    @Test
    void shouldReadLaionClipLegacyConfigWithClipDefaults() throws Exception {
        PreprocessorConfig c = PreprocessorConfig.parse(json("""
                {"crop_size": 224, "do_center_crop": true, "do_normalize": true, "do_resize": true,
                 "feature_extractor_type": "CLIPFeatureExtractor",
                 "image_mean": [0.48145466, 0.4578275, 0.40821073],
                 "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "size": 224}"""));
        assertThat(c.resizeMode()).isEqualTo(PreprocessorConfig.ResizeMode.SHORTEST_EDGE);
        assertThat(c.shortestEdge()).isEqualTo(224);
        assertThat(c.outputHeight()).isEqualTo(224);
        assertThat(c.rescale()).isTrue();
        assertThat(c.rescaleFactor()).isEqualTo(1.0 / 255);
        assertThat(c.mean()).containsExactly(0.48145466f, 0.4578275f, 0.40821073f);
    }

    @Test
    void shouldFillMissingKeysFromTheProcessorClass() throws Exception {
        PreprocessorConfig c = PreprocessorConfig.parse(json("""
                {"image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 224},
                 "crop_size": {"height": 224, "width": 224}}"""));
        assertThat(c.resample()).isEqualTo(Resample.BICUBIC);
        assertThat(c.centerCrop()).isTrue();
        assertThat(c.std()).containsExactly(0.26862954f, 0.26130258f, 0.27577711f);
    }

    @Test
    void shouldReadMarqoSiglipConfig() throws Exception {
        PreprocessorConfig c = PreprocessorConfig.parse(json("""
                {"do_convert_rgb": true, "do_normalize": true, "do_rescale": true, "do_resize": true,
                 "image_mean": [0.5, 0.5, 0.5], "image_processor_type": "SiglipImageProcessor",
                 "image_std": [0.5, 0.5, 0.5], "processor_class": "marqo_fashionSigLIP.MarqoFashionSigLIPProcessor",
                 "resample": 3, "rescale_factor": 0.00392156862745098, "size": {"height": 224, "width": 224}}"""));
        assertThat(c.resample()).isEqualTo(Resample.BICUBIC);
        assertThat(c.resizeMode()).isEqualTo(PreprocessorConfig.ResizeMode.EXACT);
    }

    @Test
    void shouldRefuseShapesThatCannotBatch() {
        assertThatThrownBy(() -> PreprocessorConfig.parse(json("""
                {"size": {"shortest_edge": 224}, "do_center_crop": false}""")))
                .hasMessageContaining("fixed");
    }

    @Test
    void shouldNameTheBadKey() {
        assertThatThrownBy(() -> PreprocessorConfig.parse(json("{\"size\": 224, \"image_mean\": [0.5]}")))
                .hasMessageContaining("image_mean");
        assertThatThrownBy(() -> PreprocessorConfig.parse(json("{\"do_resize\": true}")))
                .hasMessageContaining("size");
        assertThatThrownBy(() -> PreprocessorConfig.parse(json("{\"size\": 224, \"image_std\": [0, 1, 1]}")))
                .hasMessageContaining("image_std");
    }
}
