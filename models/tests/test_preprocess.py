import unittest

import numpy as np
from PIL import Image

from support import SAMPLES  # noqa: F401  (puts the package on the path)
from ffs_export import preprocess, standin


class PreprocessTest(unittest.TestCase):

    def test_output_sizes_follow_the_three_configs(self):
        for cfg in (standin.NSFW_PREPROCESSOR, standin.CLIP_PREPROCESSOR, standin.SIGLIP_PREPROCESSOR):
            self.assertEqual(preprocess.output_size(cfg), (224, 224))

    def test_shortest_edge_is_truncated_like_transformers(self):
        # 1000x667 -> 335x224: int(224 * 1000 / 667) = 335 (not 336 as rounding would give)
        self.assertEqual(preprocess.resize_target(1000, 667, standin.CLIP_PREPROCESSOR), (335, 224))
        self.assertEqual(preprocess.resize_target(48, 80, standin.CLIP_PREPROCESSOR), (224, 373))
        self.assertEqual(preprocess.resize_target(97, 61, standin.NSFW_PREPROCESSOR), (224, 224))

    def test_center_crop_offset_is_floor_division(self):
        # Columns numbered by their x; after a resize to 335x224 the crop starts at (335 - 224) // 2 = 55.
        cfg = dict(standin.CLIP_PREPROCESSOR, do_resize=False, do_normalize=False, do_rescale=False)
        ramp = np.tile(np.arange(225, dtype=np.uint8)[None, :, None], (224, 1, 3))
        out = preprocess.preprocess(Image.fromarray(ramp, "RGB"), cfg)
        self.assertEqual(out[0, 0, 0], 0.0)  # (225 - 224) // 2 = 0: the extra column is cut on the right
        wide = np.tile((np.arange(335) % 256).astype(np.uint8)[None, :, None], (224, 1, 3))
        out = preprocess.preprocess(Image.fromarray(wide, "RGB"), cfg)
        self.assertEqual(out[0, 0, 0], 55.0)

    def test_normalised_values_match_a_direct_computation(self):
        image = SAMPLES[0].image()
        out = preprocess.preprocess(image, standin.SIGLIP_PREPROCESSOR)
        resized = np.asarray(image.convert("RGB").resize((224, 224), Image.Resampling.BICUBIC, reducing_gap=None))
        expected = ((resized.astype(np.float64) / 255).astype(np.float32) - np.float32(0.5)) / np.float32(0.5)
        np.testing.assert_array_equal(out, expected.transpose(2, 0, 1))
        self.assertEqual(out.dtype, np.float32)

    def test_openclip_style_squash_agrees_with_the_written_config_on_every_sample(self):
        for s in SAMPLES:
            ours = preprocess.preprocess(s.image(), standin.SIGLIP_PREPROCESSOR)
            theirs = standin._squash_bicubic(s.image())
            self.assertLessEqual(np.abs(ours - theirs).max(), 1e-6, s.name)

    def test_an_image_smaller_than_the_crop_is_zero_padded_around_the_centre(self):
        cfg = dict(standin.CLIP_PREPROCESSOR, do_resize=False, do_normalize=False, do_rescale=False)
        small = Image.new("RGB", (220, 221), (9, 9, 9))
        out = preprocess.preprocess(small, cfg)
        self.assertEqual(out.shape, (3, 224, 224))
        self.assertEqual(out[0, 2, 1], 0.0)
        self.assertEqual(out[0, 2, 2], 9.0)
        self.assertEqual(out[0, 1, 2], 0.0)


if __name__ == "__main__":
    unittest.main()
