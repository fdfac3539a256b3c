"""Writes benchmark models in the service's model directory layout, with random weights.

    python3 make_models.py OUT_DIR --set full|tiny

Each folder gets the ONNX graphs the service reads (opset 17, dynamic batch), config.json,
preprocessor_config.json and tokenizer.json, plus pytorch_model.bin (the state dicts) that the seed-style
baseline loads at start-up as from_pretrained does. Both sides therefore run the same weights.
"""

import argparse
import json
import os
import sys
import time

import torch

import benchmodels as bm

OPSET = 17


def export(module, example, path, input_name, output_name):
    module.eval()
    # Exporting with autograd on keeps PyTorch off its fused attention fast path, which has no ONNX symbolic.
    with torch.enable_grad():
        torch.onnx.export(module, example, path, input_names=[input_name], output_names=[output_name],
                          dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}},
                          opset_version=OPSET, do_constant_folding=True)


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2)


def make(out, kind):
    torch.manual_seed(20240813)
    vocab_ids = {w: i for i, w in enumerate(bm.vocabulary())}
    for model in ("nsfw", "clip", "siglip"):
        start = time.time()
        folder = os.path.join(out, model)
        os.makedirs(folder, exist_ok=True)
        towers = bm.build(kind, model)
        image_graph = "model.onnx" if model == "nsfw" else "vision_model.onnx"
        image_output = "logits" if model == "nsfw" else "image_embeds"
        example = torch.rand(2, 3, bm.IMAGE_SIZE, bm.IMAGE_SIZE) * 2 - 1
        export(towers["image"], (example,), os.path.join(folder, image_graph), "pixel_values", image_output)
        config = {"_name_or_path": f"bench/{model}-{kind}-random", "bench_set": kind}
        if model == "nsfw":
            config["id2label"] = {"0": "normal", "1": "nsfw"}
        if "text" in towers:
            length = bm.CLIP_TEXT_LENGTH if model == "clip" else bm.SIGLIP_TEXT_LENGTH
            pad = bm.PAD_ID if model == "clip" else bm.EOS_ID
            ids = torch.tensor([bm.tokenize("a photo of a dress", length, pad, vocab_ids)] * 2)
            export(towers["text"], (ids,), os.path.join(folder, "text_model.onnx"), "input_ids", "text_embeds")
            write_json(os.path.join(folder, "tokenizer.json"), bm.tokenizer_json(length, pad))
            config["pad_token_id"] = pad
            if model == "clip":
                config["logit_scale"] = 100.0
            else:
                config.update({"logit_scale": 10.0, "logit_bias": -5.0})
        write_json(os.path.join(folder, "config.json"), config)
        write_json(os.path.join(folder, "preprocessor_config.json"), bm.PREPROCESSOR[model])
        torch.save({name: m.state_dict() for name, m in towers.items()}, os.path.join(folder, "pytorch_model.bin"))
        size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder) if f.endswith(".onnx"))
        print(f"  {kind}/{model}: {size / 1e6:.0f} MB of ONNX in {time.time() - start:.1f} s", file=sys.stderr)
    with open(os.path.join(out, ".complete"), "w") as f:
        f.write(kind + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--set", choices=("full", "tiny"), required=True)
    args = parser.parse_args()
    make(args.out, args.set)


if __name__ == "__main__":
    main()
