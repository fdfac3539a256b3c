"""The only module that talks to the Hugging Face hub and the model libraries: it turns the pinned repositories into
ModelSources. Everything it returns is then exported and verified by ``exporter`` exactly like the stand-ins.

- nsfw: transformers ViTForImageClassification, preprocessing by ViTImageProcessor's Pillow path.
- clip: transformers CLIPModel. The laion repository ships Hugging Face weights, tokenizer.json and
  preprocessor_config.json; the service's Java preprocessing ports Hugging Face's image processor (floor crop
  offset, RGB before resizing), so the reference outputs come from the same preprocessing path. OpenCLIP's
  transform rounds the crop offset half-to-even and converts to RGB after resizing, which would differ by one pixel
  column on some images.
- siglip: OpenCLIP, the library Marqo trained and evaluates with (Marqo's transformers wrapper is remote code
  around OpenCLIP); its tokenizer is OpenCLIP's (canonicalised text, padded to 64 with OpenCLIP's pad id).
"""
import json
import os
from pathlib import Path

from . import graphs, pins
from .sources import ModelSource, TextTower


def _versions(*names):
    import importlib.metadata as md
    return {n: md.version(n) for n in names}


def nsfw(revision):
    from transformers import ViTForImageClassification, ViTImageProcessor
    repo = pins.MODELS["nsfw"]["repo"]
    model = ViTForImageClassification.from_pretrained(repo, revision=revision, attn_implementation="eager").eval()
    processor = ViTImageProcessor.from_pretrained(repo, revision=revision)  # the Pillow processor
    config = model.config.to_dict()
    config["id2label"] = {str(k): v for k, v in model.config.id2label.items()}
    return ModelSource(
        kind="nsfw", model_id=repo, revision=_resolved(repo, revision), libraries=_versions("transformers"),
        image_graph=graphs.ClassifierLogits(model), image_graph_file="model.onnx", image_output="logits",
        preprocess=lambda img: processor(images=img.convert("RGB"), return_tensors="np")["pixel_values"][0],
        preprocessor_config=_json_file(repo, revision, "preprocessor_config.json"), config=config)


def clip(revision):
    # The Pillow ("slow") image processor, the one the service ports; the fast tokenizer, whose tokenizer.json
    # the service runs.
    from transformers import CLIPImageProcessor, CLIPModel, CLIPTokenizerFast
    repo = pins.MODELS["clip"]["repo"]
    model = CLIPModel.from_pretrained(repo, revision=revision, attn_implementation="eager").eval()
    image_processor = CLIPImageProcessor.from_pretrained(repo, revision=revision)
    tokenizer = CLIPTokenizerFast.from_pretrained(repo, revision=revision)
    length = model.config.text_config.max_position_embeddings  # 77

    def tokenize(texts):
        out = tokenizer(texts, padding="max_length", max_length=length, truncation=True, return_tensors="pt")
        return out["input_ids"], out["attention_mask"]

    return ModelSource(
        kind="clip", model_id=repo, revision=_resolved(repo, revision), libraries=_versions("transformers"),
        image_graph=graphs.HfImageEmbeds(model), image_graph_file="vision_model.onnx", image_output="image_embeds",
        preprocess=lambda img: image_processor(images=img.convert("RGB"), return_tensors="np")["pixel_values"][0],
        preprocessor_config=_json_file(repo, revision, "preprocessor_config.json"),
        config={"logit_scale": float(model.logit_scale.exp()), "embeds_normalized": True,
                "projection_dim": model.config.projection_dim},
        text=TextTower(graph=graphs.HfTextEmbeds(model), uses_mask=True, context_length=length, tokenize=tokenize,
                       tokenizer_json=json.loads(tokenizer.backend_tokenizer.to_str())))


def siglip(revision):
    # Exact attention arithmetic in timm's vision tower; OpenCLIP's text tower needs the MHA fast path off.
    os.environ.setdefault("TIMM_FUSED_ATTN", "0")
    import open_clip
    from huggingface_hub import snapshot_download
    graphs.disable_mha_fastpath()
    repo = pins.MODELS["siglip"]["repo"]
    local = Path(snapshot_download(repo, revision=revision, allow_patterns=[
        "open_clip_config.json", "open_clip_model.safetensors", "open_clip_pytorch_model.bin",
        "preprocessor_config.json"]))
    cfg = json.loads((local / "open_clip_config.json").read_text())
    name = "ffs-marqo-fashionSigLIP"
    registry = local / "ffs_model_configs"
    registry.mkdir(exist_ok=True)
    (registry / f"{name}.json").write_text(json.dumps(cfg["model_cfg"]))
    open_clip.add_model_config(registry)
    weights = next(p for p in (local / "open_clip_model.safetensors", local / "open_clip_pytorch_model.bin")
                   if p.exists())
    model = open_clip.create_model(name, pretrained=str(weights)).eval()
    pp = cfg["preprocess_cfg"]
    transform = open_clip.image_transform(model.visual.image_size, is_train=False, mean=pp["mean"], std=pp["std"],
                                          interpolation=pp.get("interpolation", "bicubic"),
                                          resize_mode=pp.get("resize_mode", "squash"))
    # OpenCLIP's own tokenizer for the model (hf_tokenizer_name and tokenizer_kwargs of its config).
    tokenizer = open_clip.get_tokenizer(name)
    length = cfg["model_cfg"]["text_cfg"]["context_length"]  # 64
    hf = tokenizer.tokenizer
    size = model.visual.image_size
    size = size if isinstance(size, int) else size[0]
    preprocessor_config = {
        "image_processor_type": "SiglipImageProcessor", "do_resize": True, "size": {"height": size, "width": size},
        "resample": {"bicubic": 3, "bilinear": 2}[pp.get("interpolation", "bicubic")], "do_rescale": True,
        "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": pp["mean"], "image_std": pp["std"],
        "do_convert_rgb": True}
    if pp.get("resize_mode", "squash") != "squash":
        raise RuntimeError(f"{repo}: resize_mode {pp.get('resize_mode')} is not the squash this export writes")
    return ModelSource(
        kind="siglip", model_id=repo, revision=_resolved(repo, revision),
        libraries=_versions("open_clip_torch", "timm", "transformers"),
        image_graph=graphs.OpenClipImageEmbeds(model), image_graph_file="vision_model.onnx",
        image_output="image_embeds", preprocess=lambda img: transform(img.convert("RGB")).numpy(),
        preprocessor_config=preprocessor_config,
        config={"logit_scale": float(model.logit_scale.exp()), "logit_bias": float(model.logit_bias),
                "embeds_normalized": True, "context_length": length,
                "tokenizer": getattr(hf, "name_or_path", "")},
        text=TextTower(graph=graphs.OpenClipTextEmbeds(model), uses_mask=False, context_length=length,
                       tokenize=lambda texts: (tokenizer(texts, context_length=length), None),
                       tokenizer_json=json.loads(hf.backend_tokenizer.to_str()),
                       text_clean="canonicalize"),
        extra_files={"open_clip_config.json": (local / "open_clip_config.json").read_bytes()})


LOADERS = {"nsfw": nsfw, "clip": clip, "siglip": siglip}


def _resolved(repo, revision):
    """The commit a revision names, as the hub resolves it now."""
    from huggingface_hub import HfApi
    return HfApi().model_info(repo, revision=revision).sha


def _json_file(repo, revision, filename):
    from huggingface_hub import hf_hub_download
    return json.loads(Path(hf_hub_download(repo, filename, revision=revision)).read_text())


def check_versions():
    """Warns when installed versions differ from requirements.txt, whose pins the verified numbers assume."""
    import importlib.metadata as md
    wanted = {}
    for line in (Path(__file__).resolve().parent.parent / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            wanted[name.strip()] = version.strip()
    drift = []
    for name, version in wanted.items():
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            try:  # the GPU build stands in for the CPU one
                have = md.version(name + "-gpu")
            except md.PackageNotFoundError:
                drift.append(f"{name} missing (want {version})")
                continue
        if have.split("+")[0] != version:
            drift.append(f"{name} {have} (want {version})")
    return drift


