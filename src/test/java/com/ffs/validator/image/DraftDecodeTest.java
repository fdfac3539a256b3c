package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code validator.image.decode-scaling=fast}: a JPEG decodes at 1/2, 1/4 or 1/8 exactly as Pillow decodes it after
 * {@code draft()} (goldens by {@code src/test/python/make_draft_goldens.py}), at the scale Pillow's draft picks; the
 * default decodes it whole.
 */
class DraftDecodeTest {

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String file : Goldens.cases("jpeg")) {
            for (int scale : new int[] { 2, 4, 8 }) {
                out.add(Arguments.of(file, scale));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} 1/{1}")
    @MethodSource("cases")
    void shouldDecodeAtAReducedScaleExactlyAsPillowAfterDraft(String file, int scale) {
        assertThat(TurboJpeg.instance()).as("libturbojpeg installed (Debian: libturbojpeg0)").isPresent();
        byte[] bytes = Goldens.bytes(file);
        int width;
        int height;
        try (TurboJpeg.Session session = TurboJpeg.instance().get().open()) {
            TurboJpeg.Header header = session.header(bytes);
            width = header.width();
            height = header.height();
        }
        // The side for which Pillow's draft picks this scale.
        int side = Math.min(width, height) / scale;
        assertThat(TurboJpeg.draftScale(width, height, side)).isEqualTo(scale);
        RgbImage expected = Goldens.npz(file + ".draft").get("draft" + scale).rgb();
        try (ImageDecoder.Decoded decoded = fast().decodeHeld(bytes, side)) {
            assertThat(PreprocessorGoldenTest.firstDifference(decoded.image(), expected)).as(file)
                    .isEqualTo("none");
            assertThat(decoded.image().width()).isEqualTo(expected.width());
        }
    }

    @Test
    void shouldPickTheScaleAsPillowsDraft() {
        // min(width // side, height // side), then the largest of 8, 4, 2 it reaches.
        assertThat(TurboJpeg.draftScale(4032, 3024, 224)).isEqualTo(8);
        assertThat(TurboJpeg.draftScale(1000, 1000, 224)).isEqualTo(4);
        assertThat(TurboJpeg.draftScale(1000, 700, 224)).isEqualTo(2);
        assertThat(TurboJpeg.draftScale(447, 2000, 224)).isEqualTo(1);
        assertThat(TurboJpeg.draftScale(448, 448, 224)).isEqualTo(2);
        assertThat(TurboJpeg.draftScale(4032, 3024, 0)).as("no resize: whole").isEqualTo(1);
        assertThat(TurboJpeg.scaled(97, 8)).isEqualTo(13);
    }

    @Test
    void shouldDecodeWholeByDefaultAndForOtherFormats() {
        byte[] jpeg = Goldens.bytes("photo-420_320x200.jpg");
        ImageDecoder exact = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE, true, TurboJpeg.instance(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE);
        try (ImageDecoder.Decoded decoded = exact.decodeHeld(jpeg, 25)) {
            assertThat(decoded.image().width()).isEqualTo(320);
        }
        try (ImageDecoder.Decoded decoded = fast().decodeHeld(Goldens.bytes("rgb_900x600.png"), 100)) {
            assertThat(decoded.image().width()).isEqualTo(900);
        }
        try (ImageDecoder.Decoded decoded = fast().decodeHeld(jpeg, 0)) {
            assertThat(decoded.image().width()).as("no side given").isEqualTo(320);
        }
    }

    @Test
    void shouldNeedTheLargestResizeOfTheModels() {
        List<PreprocessorConfig> models = List.of(Goldens.model("nsfw"), Goldens.model("clip"),
                Goldens.model("siglip"));
        assertThat(Preprocessor.draftSide(models)).isEqualTo(224);
    }

    private static ImageDecoder fast() {
        return new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.DROP, true, TurboJpeg.instance(), LibWebp.instance(),
                ImageDecoder.RasterListener.NONE, RasterBudget.unlimited(), true);
    }
}
