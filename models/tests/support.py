"""Shared by the tests: the package on the path, the samples, and a temporary model directory."""
import sys
import tempfile
from pathlib import Path

MODELS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(MODELS))

from ffs_export import exporter  # noqa: E402

SAMPLES = exporter.load_samples(MODELS / "samples")


def quiet_options(**kwargs):
    """Export options for tests: no ONNX runtime required, nothing printed."""
    kwargs.setdefault("require_onnx_check", False)
    kwargs.setdefault("runner", None)
    kwargs.setdefault("fp16_converter", None)
    return exporter.Options(log=lambda _: None, **kwargs)


def temp_dir(test):
    d = tempfile.TemporaryDirectory(prefix="ffs-export-test-")
    test.addCleanup(d.cleanup)
    return Path(d.name)
