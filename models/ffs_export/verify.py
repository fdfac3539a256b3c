"""Numbers compared at export time: ONNX against PyTorch (fails the export), fp16 against fp32 (decides whether an
fp16 variant is written). The service's own start-up check has its tolerances in docs/models.md."""
from dataclasses import dataclass

import numpy as np

# ONNX fp32 against PyTorch fp32, same preprocessed inputs: differences are float rounding only.
ONNX_MAX_ABS = 1e-3
ONNX_MIN_COSINE = 0.99999
# fp16 graphs against the fp32 graph on the sample images: written only within these.
FP16_MIN_COSINE = 0.999
FP16_LOGITS_MAX_ABS = 0.05


class VerificationError(Exception):
    """Exported outputs that do not match what they were exported from."""


@dataclass(frozen=True)
class Difference:
    worst_cosine: float
    max_abs: float
    worst_row: int

    def __str__(self):
        return f"max |diff| {self.max_abs:.3g}, worst cosine {self.worst_cosine:.7f} (row {self.worst_row})"


def cosine_rows(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    na = np.linalg.norm(a, axis=1)
    nb = np.linalg.norm(b, axis=1)
    dot = (a * b).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.where((na == 0) & (nb == 0), 1.0, dot / (na * nb))
    return np.nan_to_num(cos, nan=0.0)


def difference(actual, expected):
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise VerificationError(f"shape {actual.shape} differs from {expected.shape}")
    cos = cosine_rows(actual, expected)
    row = int(np.argmin(cos))
    return Difference(float(cos[row]), float(np.abs(actual - expected).max(initial=0.0)), row)


def check_onnx_matches_torch(what, onnx_out, torch_out):
    """Fails when the ONNX graph does not reproduce PyTorch within ONNX_MAX_ABS and ONNX_MIN_COSINE."""
    d = difference(onnx_out, torch_out)
    if d.max_abs > ONNX_MAX_ABS or d.worst_cosine < ONNX_MIN_COSINE:
        raise VerificationError(f"{what}: ONNX differs from PyTorch beyond tolerance (max |diff| <= {ONNX_MAX_ABS}, "
                                f"cosine >= {ONNX_MIN_COSINE}): {d}")
    return d


def fp16_acceptable(fp16_out, fp32_out, logits):
    """(accepted, difference): cosine >= FP16_MIN_COSINE on every row, and for logits also
    max |diff| <= FP16_LOGITS_MAX_ABS and the same argmax."""
    d = difference(fp16_out, fp32_out)
    ok = d.worst_cosine >= FP16_MIN_COSINE and np.isfinite(np.asarray(fp16_out)).all()
    if logits:
        ok = ok and d.max_abs <= FP16_LOGITS_MAX_ABS and (
            np.argmax(fp16_out, axis=1) == np.argmax(fp32_out, axis=1)).all()
    return bool(ok), d


class OnnxRunner:
    """Runs ONNX graphs with onnxruntime: fp32 graphs on the CPU (exact float32, as PyTorch computed the references),
    fp16 graphs on CUDA when the installed build has it (ONNX Runtime's CPU build lacks most fp16 kernels)."""

    def __init__(self):
        import onnxruntime as ort
        self._ort = ort
        self.cuda = "CUDAExecutionProvider" in ort.get_available_providers()

    def __call__(self, path, inputs, fp16=False):
        providers = (["CUDAExecutionProvider"] if fp16 and self.cuda else []) + ["CPUExecutionProvider"]
        session = self._ort.InferenceSession(str(path), providers=providers)
        return session.run(None, {k: np.ascontiguousarray(v) for k, v in inputs.items()})[0]

    @staticmethod
    def available():
        try:
            import onnxruntime  # noqa: F401
            return True
        except ImportError:
            return False


def fp16_converter():
    """onnxconverter-common's fp16 conversion with float32 inputs and outputs, or None when not installed."""
    try:
        from onnxconverter_common import float16
    except ImportError:
        return None

    def convert(model):
        return float16.convert_float_to_float16(model, keep_io_types=True)

    return convert
