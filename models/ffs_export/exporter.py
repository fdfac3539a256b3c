"""Writes one model folder of the service's layout from a ModelSource, verifying as it goes:

1. the image (and text) graph, exported at opset 17 with a dynamic batch axis and a fixed text length, checked by
   onnx.checker and against the contract;
2. preprocessor_config.json, which must reproduce the library's preprocessing on the sample images;
3. tokenizer.json with a fixed-length padding section, which must reproduce the library's token ids;
4. ONNX outputs against PyTorch on the samples (needs onnxruntime; mandatory for real exports);
5. fp16 variants, written only within cosine 0.999 of fp32 (needs onnxruntime and onnxconverter-common);
6. config.json, reference_outputs.json and manifest.json.

The folder is built next to its destination and moved into place only when every step passed.
"""
import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
import torch
from PIL import Image

from . import EXPORTER_VERSION, graphs, manifest, preprocess, references, tokenizer_files, verify

# Texts whose embeddings go into reference_outputs.json: punctuation, case, an underscore and a long one exercise
# cleaning, special tokens and truncation.
REFERENCE_TEXTS = [
    "a photo of a red dress",
    "Men's T-Shirt, size XL!",
    "leather_handbag with gold chain",
    "white sneakers " * 30,
]
PREPROCESS_MAX_ABS = 1e-5


class ExportError(Exception):
    """A model that cannot be exported as the service needs it; the message says which step and why."""


@dataclass
class Sample:
    name: str
    png: bytes

    def image(self):
        return Image.open(io.BytesIO(self.png))


def load_samples(folder):
    samples = [Sample(p.name, p.read_bytes()) for p in sorted(Path(folder).glob("*.png"))]
    if not samples:
        raise ExportError(f"no sample images (*.png) in {folder}")
    return samples


AUTO = "auto"


@dataclass
class Options:
    require_onnx_check: bool = True
    """Fail when onnxruntime is missing, instead of leaving the ONNX-versus-PyTorch check to the service."""
    fp16: bool = True
    log: callable = print
    runner: object = AUTO
    """Runs an ONNX file on named inputs and returns the first output; AUTO: onnxruntime when installed."""
    fp16_converter: object = AUTO
    """ONNX model -> fp16 ONNX model with float32 inputs and outputs; AUTO: onnxconverter-common when installed."""


@dataclass
class Report:
    kind: str
    folder: Path
    notes: list = field(default_factory=list)


def export_model(source, out_root, samples, options=None):
    options = options or Options()
    out_root = Path(out_root)
    final = out_root / source.kind
    work = out_root / f".{source.kind}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    report = Report(source.kind, final)

    def note(message):
        report.notes.append(message)
        options.log(f"[{source.kind}] {message}")

    try:
        _export_into(source, work, samples, options, note)
    except Exception:
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(final, ignore_errors=True)
    work.rename(final)
    note(f"written to {final}")
    return report


def _export_into(source, work, samples, options, note):
    runner = options.runner
    if runner == AUTO:
        runner = verify.OnnxRunner() if verify.OnnxRunner.available() else None
    if runner is None and options.require_onnx_check:
        raise ExportError("onnxruntime is not installed: ONNX outputs cannot be compared with PyTorch "
                          "(install the pinned requirements)")

    # Preprocessing: the file we write must reproduce the library on every sample.
    pixel_batch = []
    for s in samples:
        lib = np.asarray(source.preprocess(s.image()), dtype=np.float32)
        ours = preprocess.preprocess(s.image(), source.preprocessor_config)
        if lib.shape != ours.shape:
            raise ExportError(f"preprocessor_config.json gives shape {ours.shape} on sample {s.name}, the library "
                              f"{lib.shape}")
        if np.abs(lib - ours).max() > PREPROCESS_MAX_ABS:
            diff = f"max |diff| {np.abs(lib - ours).max():.3g}"
            raise ExportError(f"preprocessor_config.json does not reproduce the library's preprocessing on sample "
                              f"{s.name}: {diff}")
        pixel_batch.append(lib)
    pixels = np.stack(pixel_batch)
    height, width = preprocess.output_size(source.preprocessor_config)
    note(f"preprocessing of {len(samples)} samples reproduced from preprocessor_config.json")

    # Image graph.
    image_path = work / source.image_graph_file
    graphs.export(source.image_graph, [torch.from_numpy(pixels[:1])], [graphs.IMAGE_INPUT], source.image_output,
                  image_path)
    with torch.no_grad():
        image_ref = source.image_graph(torch.from_numpy(pixels)).float().numpy()
    dim = graphs.check_graph(image_path, {graphs.IMAGE_INPUT: ("float32", [3, height, width])}, source.image_output,
                             image_ref.shape[1])
    logits = source.image_output == "logits"
    checks = [(image_path, {graphs.IMAGE_INPUT: pixels}, image_ref, logits)]

    # Text graph and tokenizer.
    config = dict(source.config)
    text_ref = None
    if source.text is not None:
        t = source.text
        ids, mask = t.tokenize(REFERENCE_TEXTS)
        if tuple(ids.shape) != (len(REFERENCE_TEXTS), t.context_length):
            raise ExportError(f"the tokenizer gives ids of shape {tuple(ids.shape)}, expected "
                              f"({len(REFERENCE_TEXTS)}, {t.context_length})")
        if t.uses_mask and mask is None:
            raise ExportError("the text graph takes an attention mask but the tokenizer gives none")
        # Read from the library's own output: OpenCLIP's SigLIP tokenizer, for one, pads with 1 (</s>), not <pad>.
        pad_id = int(t.tokenize(["a"])[0][0, -1])
        tokenizer_json = tokenizer_files.with_fixed_padding(t.tokenizer_json, t.context_length, pad_id)
        (work / "tokenizer.json").write_text(tokenizer_files.dumps(tokenizer_json), encoding="utf-8")
        service_ids = tokenizer_files.service_ids(tokenizer_json, REFERENCE_TEXTS, t.text_clean)
        if service_ids is None:
            note("tokenizers package not installed: token ids of tokenizer.json not compared here "
                 "(the service compares the text embeddings at start-up)")
        else:
            for text, mine, theirs in zip(REFERENCE_TEXTS, service_ids, ids.tolist()):
                if mine != theirs:
                    raise ExportError(f"tokenizer.json does not reproduce the library's ids for {text!r}:\n"
                                      f"  library {theirs}\n  service {mine}")
            note(f"tokenizer.json reproduces the library's ids for {len(REFERENCE_TEXTS)} texts (pad id {pad_id})")
        text_inputs = [ids] + ([mask] if t.uses_mask else [])
        names = [graphs.TEXT_INPUT] + ([graphs.TEXT_MASK_INPUT] if t.uses_mask else [])
        text_path = work / "text_model.onnx"
        graphs.export(t.graph, [x[:1] for x in text_inputs], names, "text_embeds", text_path)
        with torch.no_grad():
            text_ref = t.graph(*text_inputs).float().numpy()
        graphs.check_graph(text_path, {n: ("int64", [t.context_length]) for n in names}, "text_embeds", dim)
        checks.append((text_path, {n: x.numpy() for n, x in zip(names, text_inputs)}, text_ref, False))
        config["pad_token_id"] = pad_id
        if t.text_clean:
            config["text_clean"] = t.text_clean
    note(f"graphs exported at opset {graphs.OPSET} and checked: {', '.join(p.name for p, *_ in checks)}")

    # ONNX against PyTorch, then fp16 variants against fp32.
    if runner is None:
        note("onnxruntime not installed: ONNX outputs not compared with PyTorch here "
             "(the service compares them with reference_outputs.json at start-up)")
    else:
        for path, inputs, expected, _ in checks:
            d = verify.check_onnx_matches_torch(path.name, runner(path, inputs), expected)
            note(f"{path.name} matches PyTorch: {d}")
        if options.fp16:
            convert = verify.fp16_converter() if options.fp16_converter == AUTO else options.fp16_converter
            _write_fp16_variants(checks, runner, convert, note)

    # config, references, extra files, manifest.
    config.update({"_name_or_path": source.model_id, "model_id": source.model_id})
    (work / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (work / "preprocessor_config.json").write_text(json.dumps(source.preprocessor_config, indent=2) + "\n",
                                                   encoding="utf-8")
    for name, data in source.extra_files.items():
        (work / name).write_bytes(data)
    produced_by = ", ".join(f"{k} {v}" for k, v in {"torch": torch.__version__, **source.libraries}.items())
    references.write(work / references.REFERENCES, source.model_id, produced_by, source.image_output,
                     [(s.name, s.png, row) for s, row in zip(samples, image_ref)],
                     "text_embeds" if text_ref is not None else None,
                     list(zip(REFERENCE_TEXTS, text_ref)) if text_ref is not None else None)
    manifest.write(work, {"model": source.model_id, "revision": source.revision,
                          "libraries": {"torch": torch.__version__, "onnx": onnx.__version__, **source.libraries},
                          "opset": graphs.OPSET, "exporter": EXPORTER_VERSION})
    note("config.json, reference_outputs.json and manifest.json written")


def _write_fp16_variants(checks, runner, convert, note):
    if convert is None:
        note("onnxconverter-common not installed: no fp16 variants")
        return
    for path, inputs, _, logits in checks:
        fp16_path = path.with_name(path.stem + "_fp16.onnx")
        try:
            onnx.save(convert(onnx.load(str(path))), str(fp16_path))
            fp32_out = runner(path, inputs)
            fp16_out = runner(fp16_path, inputs, fp16=True)
        except Exception as e:  # an fp16 graph this machine cannot run is a graph nobody verified
            fp16_path.unlink(missing_ok=True)
            note(f"{fp16_path.name} not written: cannot run it here ({str(e).splitlines()[0]})")
            continue
        ok, d = verify.fp16_acceptable(fp16_out, fp32_out, logits)
        if ok:
            note(f"{fp16_path.name} written: {d} against fp32")
        else:
            fp16_path.unlink()
            note(f"{fp16_path.name} not written: {d} against fp32 exceeds cosine {verify.FP16_MIN_COSINE}")
