import unittest

import onnx
import torch

from support import temp_dir
from ffs_export import graphs, standin


class GraphsTest(unittest.TestCase):

    def setUp(self):
        self.dir = temp_dir(self)
        self.nsfw, self.clip, self.siglip = standin.sources(seed=3)
        self.pixels = torch.randn(2, 3, 224, 224)

    def test_classifier_exports_with_a_dynamic_batch_and_the_contract_names(self):
        path = graphs.export(self.nsfw.image_graph, [self.pixels[:1]], ["pixel_values"], "logits",
                             self.dir / "model.onnx")
        width = graphs.check_graph(path, {"pixel_values": ("float32", [3, 224, 224])}, "logits", 2)
        self.assertEqual(width, 2)
        model = onnx.load(str(path))
        self.assertGreaterEqual(model.opset_import[0].version, 17)
        self.assertEqual(graphs.describe(model.graph.input[0]), ("float32", ["batch_size", 3, 224, 224]))
        self.assertEqual(graphs.describe(model.graph.output[0]), ("float32", ["batch_size", 2]))

    def test_embedding_wrappers_normalise(self):
        for graph in (self.clip.image_graph, self.siglip.image_graph):
            with torch.no_grad():
                out = graph(self.pixels)
            torch.testing.assert_close(out.norm(dim=1), torch.ones(2))
        ids, mask = self.clip.text.tokenize(["a red dress", "white sneakers"])
        with torch.no_grad():
            torch.testing.assert_close(self.clip.text.graph(ids, mask).norm(dim=1), torch.ones(2))

    def test_text_graphs_keep_a_fixed_length(self):
        ids, mask = self.clip.text.tokenize(["a red dress"])
        path = graphs.export(self.clip.text.graph, [ids, mask], ["input_ids", "attention_mask"], "text_embeds",
                             self.dir / "text_model.onnx")
        graphs.check_graph(path, {"input_ids": ("int64", [77]), "attention_mask": ("int64", [77])}, "text_embeds")
        ids, _ = self.siglip.text.tokenize(["a red dress"])
        path = graphs.export(self.siglip.text.graph, [ids], ["input_ids"], "text_embeds", self.dir / "siglip.onnx")
        graphs.check_graph(path, {"input_ids": ("int64", [64])}, "text_embeds")

    def test_a_dynamic_sequence_axis_is_refused(self):
        ids, _ = self.siglip.text.tokenize(["a red dress"])
        path = self.dir / "dynamic.onnx"
        graphs.disable_mha_fastpath()
        with torch.no_grad():
            torch.onnx.export(self.siglip.text.graph, (ids,), str(path), input_names=["input_ids"],
                              output_names=["text_embeds"], opset_version=17,
                              dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence"},
                                            "text_embeds": {0: "batch_size"}})
        with self.assertRaisesRegex(graphs.GraphContractError, "input input_ids is int64"):
            graphs.check_graph(path, {"input_ids": ("int64", [64])}, "text_embeds")

    def test_wrong_names_and_old_opsets_are_refused(self):
        path = graphs.export(self.nsfw.image_graph, [self.pixels[:1]], ["pixel_values"], "logits",
                             self.dir / "model.onnx")
        with self.assertRaisesRegex(graphs.GraphContractError, "outputs \\['logits'\\], expected \\[image_embeds\\]"):
            graphs.check_graph(path, {"pixel_values": ("float32", [3, 224, 224])}, "image_embeds")
        with self.assertRaisesRegex(graphs.GraphContractError, "inputs"):
            graphs.check_graph(path, {"images": ("float32", [3, 224, 224])}, "logits")
        old = self.dir / "old.onnx"
        with torch.no_grad():
            torch.onnx.export(self.nsfw.image_graph, (self.pixels[:1],), str(old), input_names=["pixel_values"],
                              output_names=["logits"], opset_version=14,
                              dynamic_axes={"pixel_values": {0: "b"}, "logits": {0: "b"}})
        with self.assertRaisesRegex(graphs.GraphContractError, "opset 14"):
            graphs.check_graph(old, {"pixel_values": ("float32", [3, 224, 224])}, "logits")


if __name__ == "__main__":
    unittest.main()
