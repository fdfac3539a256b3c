"""Hugging Face image-processor semantics with Pillow and numpy, driven by a ``preprocessor_config.json`` dict.

The service implements exactly these steps in Java. The export runs them on the sample images and compares the
result with the model library's own preprocessing, so a written ``preprocessor_config.json`` that does not
reproduce the library is caught at export time.
"""
import numpy as np
from PIL import Image

# Defaults of the processor classes the three models name, for keys their files leave out.
_PROCESSOR_DEFAULTS = {
    "ViTImageProcessor": dict(resample=2, do_center_crop=False, mean=[0.5] * 3, std=[0.5] * 3, bare_size_shortest=False),
    "SiglipImageProcessor": dict(resample=3, do_center_crop=False, mean=[0.5] * 3, std=[0.5] * 3, bare_size_shortest=False),
    "CLIPImageProcessor": dict(resample=3, do_center_crop=True,
                               mean=[0.48145466, 0.4578275, 0.40821073], std=[0.26862954, 0.26130258, 0.27577711],
                               bare_size_shortest=True),
}
_PROCESSOR_DEFAULTS["CLIPFeatureExtractor"] = _PROCESSOR_DEFAULTS["CLIPImageProcessor"]


def _defaults(cfg):
    name = cfg.get("image_processor_type") or cfg.get("feature_extractor_type") or ""
    return _PROCESSOR_DEFAULTS.get(name, _PROCESSOR_DEFAULTS["ViTImageProcessor"])


def output_size(cfg):
    """(height, width) of the tensor the configuration produces."""
    d = _defaults(cfg)
    if cfg.get("do_center_crop", d["do_center_crop"]):
        crop = cfg["crop_size"]
        return (crop, crop) if isinstance(crop, int) else (crop["height"], crop["width"])
    size = cfg["size"]
    if isinstance(size, int):
        return size, size
    return size["height"], size["width"]


def resize_target(width, height, cfg):
    """(width, height) after the resize step, with transformers' truncating shortest-edge rule."""
    d = _defaults(cfg)
    size = cfg["size"]
    if isinstance(size, int):
        size = {"shortest_edge": size} if d["bare_size_shortest"] else {"height": size, "width": size}
    if "shortest_edge" in size:
        s = size["shortest_edge"]
        if width <= height:
            return s, int(s * height / width)
        return int(s * width / height), s
    return size["width"], size["height"]


def preprocess(image, cfg):
    """A PIL image to the float32 CHW tensor the model takes, as numpy."""
    d = _defaults(cfg)
    image = image.convert("RGB")
    if cfg.get("do_resize", True):
        target = resize_target(image.width, image.height, cfg)
        if target != image.size:
            image = image.resize(target, resample=cfg.get("resample", d["resample"]), reducing_gap=None)
    pixels = np.asarray(image, dtype=np.uint8)
    if cfg.get("do_center_crop", d["do_center_crop"]):
        pixels = _center_crop(pixels, *output_size(cfg))
    x = pixels
    if cfg.get("do_rescale", True):
        x = (x.astype(np.float64) * cfg.get("rescale_factor", 1 / 255)).astype(np.float32)
    else:
        x = x.astype(np.float32)
    if cfg.get("do_normalize", True):
        mean = np.asarray(cfg.get("image_mean", d["mean"]), dtype=np.float32)
        std = np.asarray(cfg.get("image_std", d["std"]), dtype=np.float32)
        x = (x - mean) / std
    return np.ascontiguousarray(x.transpose(2, 0, 1), dtype=np.float32)


def _center_crop(pixels, crop_h, crop_w):
    h, w = pixels.shape[:2]
    top, left = (h - crop_h) // 2, (w - crop_w) // 2
    if top >= 0 and left >= 0:
        return pixels[top:top + crop_h, left:left + crop_w]
    # Smaller than the crop: transformers pads with zeros around the centred image.
    out = np.zeros((crop_h, crop_w, 3), dtype=pixels.dtype)
    pt, pl = max(0, (crop_h - h + 1) // 2), max(0, (crop_w - w + 1) // 2)
    src = pixels[max(0, top):max(0, top) + min(h, crop_h), max(0, left):max(0, left) + min(w, crop_w)]
    out[pt:pt + src.shape[0], pl:pl + src.shape[1]] = src
    return out
