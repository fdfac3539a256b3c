import unittest

import numpy as np

from support import SAMPLES  # noqa: F401
from ffs_export import verify


class VerifyTest(unittest.TestCase):

    def setUp(self):
        rng = np.random.default_rng(1)
        self.ref = rng.normal(size=(4, 32))
        self.ref /= np.linalg.norm(self.ref, axis=1, keepdims=True)

    def test_identical_outputs_pass(self):
        d = verify.check_onnx_matches_torch("g.onnx", self.ref.copy(), self.ref)
        self.assertEqual(d.max_abs, 0.0)
        self.assertAlmostEqual(d.worst_cosine, 1.0, places=12)

    def test_float_rounding_passes(self):
        verify.check_onnx_matches_torch("g.onnx", self.ref.astype(np.float32), self.ref)

    def test_a_drift_beyond_tolerance_fails_naming_the_graph_and_the_row(self):
        drifted = self.ref.copy()
        drifted[2] += 0.01
        with self.assertRaises(verify.VerificationError) as e:
            verify.check_onnx_matches_torch("vision_model.onnx", drifted, self.ref)
        self.assertIn("vision_model.onnx", str(e.exception))
        self.assertIn("row 2", str(e.exception))

    def test_shape_mismatch_fails(self):
        with self.assertRaises(verify.VerificationError):
            verify.difference(self.ref[:3], self.ref)

    def test_fp16_gate_accepts_small_rounding_and_refuses_a_larger_drift(self):
        noise = np.random.default_rng(2).normal(size=self.ref.shape)
        ok, d = verify.fp16_acceptable(self.ref + 0.002 * noise / np.sqrt(32), self.ref, logits=False)
        self.assertTrue(ok, str(d))
        ok, d = verify.fp16_acceptable(self.ref + 0.1 * noise / np.sqrt(32), self.ref, logits=False)
        self.assertFalse(ok)
        self.assertLess(d.worst_cosine, verify.FP16_MIN_COSINE)

    def test_fp16_gate_refuses_nan_and_a_flipped_decision(self):
        nan = self.ref.copy()
        nan[0, 0] = np.nan
        self.assertFalse(verify.fp16_acceptable(nan, self.ref, logits=False)[0])
        logits = np.array([[2.0, 2.01], [3.0, -3.0]])
        flipped = np.array([[2.01, 2.0], [3.0, -3.0]])
        self.assertFalse(verify.fp16_acceptable(flipped, logits, logits=True)[0])
        self.assertTrue(verify.fp16_acceptable(logits + 0.001, logits, logits=True)[0])


if __name__ == "__main__":
    unittest.main()
