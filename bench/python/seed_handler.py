"""The seed's design, rebuilt as a benchmark baseline: a Python handler that serves RunPod's /runsync one job at a
time, downloads the job's images with requests, preprocesses them with Pillow as the Hugging Face processors do,
and runs PyTorch eager models whose weights it reads from disk at start-up, as from_pretrained does.

    python3 seed_handler.py --models DIR --port PORT

The models are the benchmark models of make_models.py (same weights as the ONNX graphs the service runs). The
fashion prompts are embedded once at start-up and each request's images go through each model as one batch, which
is the kinder reading of the seed for a throughput comparison.
"""

import argparse
import http.server
import io
import json
import os
import time
import uuid

import numpy as np
import requests
import torch
from PIL import Image

import benchmodels as bm


class Model:
    """One model folder: torch modules built without random init, then the checkpoint loaded into them."""

    def __init__(self, folder, name):
        with open(os.path.join(folder, "config.json")) as f:
            self.config = json.load(f)
        with open(os.path.join(folder, "preprocessor_config.json")) as f:
            self.pre = json.load(f)
        with bm.skip_init():
            self.towers = bm.build(self.config["bench_set"], name)
        state = torch.load(os.path.join(folder, "pytorch_model.bin"), map_location="cpu")
        for tower, module in self.towers.items():
            module.load_state_dict(state[tower])
            module.eval()

    def pixel_values(self, image):
        """The Hugging Face image processor's PIL path: resize (or shortest edge + centre crop), rescale, normalise."""
        pre = self.pre
        resample = Image.Resampling(pre["resample"])
        size = pre["size"]
        if isinstance(size, dict) and "height" in size:
            image = image.resize((size["width"], size["height"]), resample)
        else:
            short = size if isinstance(size, int) else size["shortest_edge"]
            w, h = image.size
            if w <= h:
                target = (short, int(short * h / w))
            else:
                target = (int(short * w / h), short)
            image = image.resize(target, resample)
        if pre.get("do_center_crop"):
            crop = pre["crop_size"]
            ch, cw = (crop, crop) if isinstance(crop, int) else (crop["height"], crop["width"])
            w, h = image.size
            top, left = (h - ch) // 2, (w - cw) // 2
            image = image.crop((left, top, left + cw, top + ch))
        array = (np.asarray(image, dtype=np.float64) * pre.get("rescale_factor", 1 / 255)).astype(np.float32)
        array = (array - np.array(pre["image_mean"], dtype=np.float32)) / np.array(pre["image_std"], dtype=np.float32)
        return torch.from_numpy(array.transpose(2, 0, 1).copy())

    def image_outputs(self, images):
        with torch.no_grad():
            return self.towers["image"](torch.stack([self.pixel_values(i) for i in images]))

    def text_outputs(self, texts, length, pad_id):
        vocab_ids = {w: i for i, w in enumerate(bm.vocabulary())}
        ids = torch.tensor([bm.tokenize(t, length, pad_id, vocab_ids) for t in texts])
        with torch.no_grad():
            return self.towers["text"](ids)


def l2(x):
    return x / x.norm(dim=-1, keepdim=True).clamp_min(1e-12)


class Validator:
    ACTIONS = {"validate": ("nsfw", "clip", "siglip"), "nsfw": ("nsfw",), "fashion": ("clip",),
               "embedding": ("siglip",)}

    def __init__(self, root):
        self.models = {name: Model(os.path.join(root, name), name) for name in ("nsfw", "clip", "siglip")}
        clip = self.models["clip"]
        prompts = bm.FASHION_PROMPTS + bm.OTHER_PROMPTS
        self.prompt_embeddings = l2(clip.text_outputs(prompts, bm.CLIP_TEXT_LENGTH, bm.PAD_ID))
        self.fashion_prompts = len(bm.FASHION_PROMPTS)
        self.logit_scale = clip.config.get("logit_scale", 100.0)
        self.http = requests.Session()

    def handle(self, job_input):
        action = (job_input.get("action") or "validate").lower()
        if action not in self.ACTIONS:
            raise ValueError(f"unknown action {action}")
        urls = job_input["images"]
        results = [{"url": u} for u in urls]
        images, ok = [], []
        for i, url in enumerate(urls):
            try:
                response = self.http.get(url, timeout=20)
                response.raise_for_status()
                images.append(Image.open(io.BytesIO(response.content)).convert("RGB"))
                ok.append(i)
            except Exception as e:  # one bad image never fails the others
                results[i]["error"] = {"code": "FETCH_OR_DECODE_FAILED", "message": str(e)}
        if images:
            needed = self.ACTIONS[action]
            if "nsfw" in needed:
                p = torch.softmax(self.models["nsfw"].image_outputs(images), dim=-1)[:, 1]
                for i, score in zip(ok, p.tolist()):
                    results[i]["nsfw"] = {"is_nsfw": score >= 0.5, "score": score}
            if "clip" in needed:
                logits = self.logit_scale * l2(self.models["clip"].image_outputs(images)) @ self.prompt_embeddings.T
                scores = torch.softmax(logits, dim=-1)[:, :self.fashion_prompts].sum(dim=-1)
                for i, score in zip(ok, scores.tolist()):
                    results[i]["fashion"] = {"is_fashion": score >= 0.5, "score": score}
            if "siglip" in needed:
                for i, e in zip(ok, l2(self.models["siglip"].image_outputs(images)).tolist()):
                    results[i]["embedding"] = e
        return {"results": results}


def serve(validator, port):
    class Handler(http.server.BaseHTTPRequestHandler):
        # One connection per request, so a keep-alive client cannot hold the single worker.
        protocol_version = "HTTP/1.0"

        def do_POST(self):
            if self.path.split("?")[0].rstrip("/") not in ("/runsync", "/run"):
                return self.reply(404, {"error": "not found"})
            start = time.time()
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            job = {"id": "sync-" + uuid.uuid4().hex, "delayTime": 0}
            try:
                job["output"] = validator.handle(body["input"])
                job["status"] = "COMPLETED"
            except Exception as e:
                job["status"], job["error"] = "FAILED", str(e)
            job["executionTime"] = int((time.time() - start) * 1000)
            self.reply(200, job)

        def do_GET(self):
            self.reply(200, {"jobs": {}, "workers": {"idle": 1}})

        def reply(self, status, value):
            data = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    class Server(http.server.HTTPServer):
        # One job at a time, as the seed's worker: the next requests wait in the listen backlog.
        request_queue_size = 128

    Server(("127.0.0.1", port), Handler).serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads (default: every core)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    serve(Validator(args.models), args.port)


if __name__ == "__main__":
    main()
