import base64
import json
import unittest

import numpy as np
import onnx
import torch

from support import SAMPLES, quiet_options, temp_dir
from ffs_export import exporter, manifest, references, standin, verify
from ffs_export.sources import ModelSource


class TorchRunner:
    """Stands in for onnxruntime: returns what the exported module computes (plus an optional drift), so the
    comparison logic runs here; the service's start-up check runs the real graphs."""

    def __init__(self, modules, drift=0.0):
        self.modules = modules
        self.drift = drift
        self.calls = []

    def __call__(self, path, inputs, fp16=False):
        self.calls.append(path.name)
        module = self.modules[path.name.replace("_fp16", "")]
        with torch.no_grad():
            out = module(*[torch.from_numpy(v) for v in inputs.values()]).numpy()
        if "_fp16" in path.name:
            out = out.astype(np.float16).astype(np.float32)
        return out + self.drift


class ExportStandInsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.sources = {s.kind: s for s in standin.sources(seed=0)}

    def setUp(self):
        self.out = temp_dir(self)

    def export(self, kind, **options):
        return exporter.export_model(self.sources[kind], self.out, SAMPLES, quiet_options(**options))

    def test_siglip_folder_has_the_layout_the_service_reads(self):
        self.export("siglip")
        folder = self.out / "siglip"
        self.assertEqual(sorted(p.name for p in folder.iterdir()), [
            "config.json", "manifest.json", "preprocessor_config.json", "reference_outputs.json", "text_model.onnx",
            "tokenizer.json", "vision_model.onnx"])
        config = json.loads((folder / "config.json").read_text())
        self.assertAlmostEqual(config["logit_scale"], 117.33, places=3)  # the multiplier, exp of the parameter
        self.assertAlmostEqual(config["logit_bias"], -12.93, places=5)
        self.assertEqual(config["pad_token_id"], 1)
        self.assertEqual(config["text_clean"], "canonicalize")
        self.assertEqual(config["_name_or_path"], "stand-in/marqo-fashionSigLIP")
        tokenizer = json.loads((folder / "tokenizer.json").read_text())
        self.assertEqual(tokenizer["padding"]["strategy"], {"Fixed": 64})
        self.assertEqual((tokenizer["padding"]["pad_id"], tokenizer["padding"]["pad_token"]), (1, "</s>"))
        self.assertEqual(json.loads((folder / "preprocessor_config.json").read_text())["resample"], 3)
        for name, inputs in (("vision_model.onnx", ["pixel_values"]), ("text_model.onnx", ["input_ids"])):
            model = onnx.load(str(folder / name))
            self.assertEqual([i.name for i in model.graph.input], inputs)

    def test_clip_pads_with_its_end_token_and_feeds_a_mask(self):
        self.export("clip")
        tokenizer = json.loads((self.out / "clip/tokenizer.json").read_text())
        self.assertEqual(tokenizer["padding"]["pad_token"], "<|endoftext|>")
        self.assertEqual(tokenizer["padding"]["strategy"], {"Fixed": 77})
        model = onnx.load(str(self.out / "clip/text_model.onnx"))
        self.assertEqual([i.name for i in model.graph.input], ["input_ids", "attention_mask"])
        self.assertNotIn("text_clean", json.loads((self.out / "clip/config.json").read_text()))

    def test_reference_outputs_are_the_pytorch_pipeline_on_the_shipped_samples(self):
        self.export("nsfw")
        doc = json.loads((self.out / "nsfw" / references.REFERENCES).read_text())
        self.assertEqual(doc["format"], "ffs-validator.reference-outputs/1")
        self.assertEqual([i["name"] for i in doc["images"]], [s.name for s in SAMPLES])
        self.assertEqual(base64.b64decode(doc["images"][1]["png_base64"]), SAMPLES[1].png)
        pixels = torch.from_numpy(standin.hf_preprocess.preprocess(SAMPLES[1].image(), standin.NSFW_PREPROCESSOR))
        with torch.no_grad():
            expected = self.sources["nsfw"].image_graph(pixels[None])[0].tolist()
        np.testing.assert_allclose(doc["images"][1]["output"], expected, atol=1e-6)  # batch of 4 vs batch of 1
        self.assertNotIn("texts", doc)

    def test_text_references_cover_cleaning_and_truncation(self):
        self.export("siglip")
        doc = json.loads((self.out / "siglip" / references.REFERENCES).read_text())
        self.assertEqual([t["text"] for t in doc["texts"]], exporter.REFERENCE_TEXTS)
        self.assertEqual(len(doc["texts"][0]["output"]), 32)

    def test_the_manifest_covers_every_file_and_catches_a_change(self):
        self.export("nsfw")
        folder = self.out / "nsfw"
        doc = json.loads((folder / "manifest.json").read_text())
        self.assertEqual(set(doc["files"]), {p.name for p in folder.iterdir()} - {"manifest.json"})
        self.assertEqual(doc["source"]["revision"], "random-seed-0")
        self.assertEqual(doc["source"]["opset"], 17)
        self.assertEqual(manifest.verify(folder), [])
        graph = folder / "model.onnx"
        data = bytearray(graph.read_bytes())
        data[-1] ^= 1
        graph.write_bytes(bytes(data))
        self.assertEqual(manifest.verify(folder), ["model.onnx: sha256 differs"])

    def test_onnx_is_compared_with_pytorch_when_a_runner_is_there(self):
        s = self.sources["clip"]
        runner = TorchRunner({"vision_model.onnx": s.image_graph, "text_model.onnx": s.text.graph})
        report = self.export("clip", runner=runner, fp16=False)
        self.assertEqual(runner.calls, ["vision_model.onnx", "text_model.onnx"])
        self.assertTrue(any("matches PyTorch" in n for n in report.notes))

    def test_a_drifting_graph_fails_the_export_and_leaves_no_folder(self):
        s = self.sources["siglip"]
        runner = TorchRunner({"vision_model.onnx": s.image_graph, "text_model.onnx": s.text.graph}, drift=0.01)
        with self.assertRaisesRegex(verify.VerificationError, "vision_model.onnx: ONNX differs from PyTorch"):
            self.export("siglip", runner=runner)
        self.assertEqual(list(self.out.iterdir()), [])

    def test_without_onnxruntime_a_real_export_refuses_to_go_on(self):
        with self.assertRaisesRegex(exporter.ExportError, "onnxruntime is not installed"):
            self.export("nsfw", require_onnx_check=True)

    def test_fp16_variants_are_written_only_within_the_gate(self):
        s = self.sources["siglip"]
        modules = {"vision_model.onnx": s.image_graph, "text_model.onnx": s.text.graph}

        def convert(model):
            return model  # the runner applies fp16 rounding to the outputs

        self.export("siglip", runner=TorchRunner(modules), fp16_converter=convert)
        names = {p.name for p in (self.out / "siglip").iterdir()}
        self.assertLessEqual({"vision_model_fp16.onnx", "text_model_fp16.onnx"}, names)
        self.assertIn("vision_model_fp16.onnx", json.loads((self.out / "siglip/manifest.json").read_text())["files"])

        class NoisyFp16(TorchRunner):
            def __call__(self, path, inputs, fp16=False):
                out = super().__call__(path, inputs, fp16)
                return out + (0.2 * np.sign(out) if "_fp16" in path.name else 0)

        report = self.export("siglip", runner=NoisyFp16(modules), fp16_converter=convert)
        names = {p.name for p in (self.out / "siglip").iterdir()}
        self.assertNotIn("vision_model_fp16.onnx", names)
        self.assertTrue(any("vision_model_fp16.onnx not written" in n for n in report.notes))

    def test_a_preprocessor_config_that_does_not_reproduce_the_library_fails(self):
        s = self.sources["siglip"]
        wrong = ModelSource(**{**s.__dict__, "preprocessor_config": dict(s.preprocessor_config, resample=2)})
        with self.assertRaisesRegex(exporter.ExportError, "does not reproduce the library's preprocessing"):
            exporter.export_model(wrong, self.out, SAMPLES, quiet_options())


if __name__ == "__main__":
    unittest.main()
