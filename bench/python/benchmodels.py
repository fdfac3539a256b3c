"""Benchmark models: the architecture and cost of the real ones with random weights, shared by the model
generator (make_models.py) and the seed-style baseline (seed_handler.py), so both sides run the same weights.

Two sets, same contract (model directory layout, tensor names, preprocessing files):
- full: ViT-B/16 classifier with 2 classes (nsfw), ViT-B/32 projected to 512 (CLIP vision), ViT-B/16 projected
  to 768 (SigLIP vision), and small transformer text towers;
- tiny: near-zero-cost graphs (mean colour -> linear), for measuring the host pipeline alone.
"""

import re

import torch
from torch import nn
import torchvision

IMAGE_SIZE = 224
CLIP_DIM = 512
SIGLIP_DIM = 768
CLIP_TEXT_LENGTH = 77
SIGLIP_TEXT_LENGTH = 64
SPECIAL_TOKENS = ["<pad>", "</s>", "<unk>", "<s>"]
PAD_ID, EOS_ID, UNK_ID = 0, 1, 2

# The service's default prompts; the kit hands the same lists to both sides so their fashion scores compare.
FASHION_PROMPTS = [
    "a photo of clothing", "a photo of a dress", "a photo of a shirt", "a photo of a t-shirt",
    "a photo of trousers or jeans", "a photo of a skirt", "a photo of a jacket or coat", "a photo of a sweater",
    "a photo of shoes", "a photo of sneakers", "a photo of boots", "a photo of a handbag", "a photo of a backpack",
    "a photo of a purse or wallet", "a photo of jewelry", "a photo of a necklace or earrings", "a photo of a watch",
    "a photo of sunglasses", "a photo of a hat or cap", "a photo of a scarf or belt", "a photo of lingerie",
    "a photo of swimwear", "a photo of a person wearing an outfit", "a fashion model posing in clothes",
    "a product photo of apparel", "a product photo of fashion accessories"]
OTHER_PROMPTS = [
    "a photo of food", "a photo of a meal or drink", "a photo of a landscape", "a photo of a beach or mountain",
    "a photo of an animal", "a photo of a pet dog or cat", "a photo of a car or vehicle", "a photo of a bicycle",
    "a photo of furniture", "a photo of a room interior", "a photo of a building", "a photo of a city street",
    "a screenshot", "a photo of a document or text", "a photo of a receipt", "a chart or diagram",
    "a photo of electronics", "a photo of a phone or computer", "a photo of a plant or flowers",
    "a photo of a kitchen appliance", "a meme or cartoon", "a drawing", "a photo of toys", "a photo of a sports game",
    "a logo", "a photo of tools", "a photo of books"]

# Hugging Face's Whitespace pre-tokenizer after a Lowercase normalizer.
_WORDS = re.compile(r"\w+|[^\w\s]+")


def vocabulary():
    words = sorted({w for p in FASHION_PROMPTS + OTHER_PROMPTS for w in _WORDS.findall(p.lower())})
    return SPECIAL_TOKENS + words


def tokenize(text, length, pad_id, vocab_ids):
    """What the service's TextEncoder does with the word-level tokenizer.json below: ids + </s>, cut, padded."""
    ids = [vocab_ids.get(w, UNK_ID) for w in _WORDS.findall(text.lower())] + [EOS_ID]
    if len(ids) > length:
        ids = ids[:length - 1] + [EOS_ID]
    return ids + [pad_id] * (length - len(ids))


def tokenizer_json(length, pad_id):
    """A word-level Hugging Face tokenizer.json, the shape the service's demo models use."""
    vocab = vocabulary()
    special = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": False, "special": True} for i, t in enumerate(SPECIAL_TOKENS)]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": {"strategy": {"Fixed": length}, "direction": "Right", "pad_to_multiple_of": None,
                    "pad_id": pad_id, "pad_type_id": 0, "pad_token": vocab[pad_id]},
        "added_tokens": special,
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "</s>", "type_id": 1}}],
            "special_tokens": {"</s>": {"id": "</s>", "ids": [EOS_ID], "tokens": ["</s>"]}},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {w: i for i, w in enumerate(vocab)}, "unk_token": "<unk>"},
    }


# Hugging Face preprocessor_config.json of the three real models (see the service's docs/models.md).
PREPROCESSOR = {
    "nsfw": {"image_processor_type": "ViTImageProcessor", "do_resize": True,
             "size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE}, "resample": 2, "do_rescale": True,
             "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": [0.5, 0.5, 0.5],
             "image_std": [0.5, 0.5, 0.5]},
    "clip": {"feature_extractor_type": "CLIPFeatureExtractor", "do_resize": True, "size": IMAGE_SIZE, "resample": 3,
             "do_center_crop": True, "crop_size": IMAGE_SIZE, "do_normalize": True,
             "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711]},
    "siglip": {"image_processor_type": "SiglipImageProcessor", "do_resize": True,
               "size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE}, "resample": 3, "do_rescale": True,
               "rescale_factor": 1 / 255, "do_normalize": True, "do_convert_rgb": True,
               "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]},
}


def vit(patch, out_dim):
    """A ViT-B image tower (12 layers, width 768, MLP 3072, 12 heads) with a random linear head."""
    model = torchvision.models.VisionTransformer(image_size=IMAGE_SIZE, patch_size=patch, num_layers=12,
                                                 num_heads=12, hidden_dim=768, mlp_dim=3072, num_classes=out_dim)
    # torchvision zero-initialises the head, which would give every image the same output.
    nn.init.normal_(model.heads.head.weight, std=0.05)
    nn.init.normal_(model.heads.head.bias, std=0.05)
    return model


class MeanColour(nn.Module):
    """Near-zero cost: mean of each channel, then a linear map."""

    def __init__(self, out_dim):
        super().__init__()
        self.proj = nn.Linear(3, out_dim)

    def forward(self, pixel_values):
        return self.proj(pixel_values.mean(dim=(2, 3)))


class TextTower(nn.Module):
    """A small transformer text encoder: token + position embeddings, pre-norm layers, mean pooling, projection."""

    def __init__(self, length, out_dim, width=256, layers=2, heads=4):
        super().__init__()
        self.embed = nn.Embedding(len(vocabulary()), width)
        self.position = nn.Parameter(torch.randn(length, width) * 0.02)
        layer = nn.TransformerEncoderLayer(width, heads, 4 * width, dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.proj = nn.Linear(width, out_dim, bias=False)

    def forward(self, input_ids):
        x = self.encoder(self.embed(input_ids) + self.position)
        return self.proj(self.norm(x).mean(dim=1))


class TinyText(nn.Module):
    """Near-zero cost text tower: mean of token embeddings."""

    def __init__(self, out_dim):
        super().__init__()
        self.embed = nn.Embedding(len(vocabulary()), out_dim)

    def forward(self, input_ids):
        return self.embed(input_ids).mean(dim=1)


# What each model folder holds: (image tower factory, text tower factory or None), per set.
def build(kind, model):
    """The torch modules of one model folder: {'image': module, 'text': module or absent}."""
    if kind == "full":
        if model == "nsfw":
            return {"image": vit(16, 2)}
        if model == "clip":
            return {"image": vit(32, CLIP_DIM), "text": TextTower(CLIP_TEXT_LENGTH, CLIP_DIM)}
        if model == "siglip":
            return {"image": vit(16, SIGLIP_DIM), "text": TextTower(SIGLIP_TEXT_LENGTH, SIGLIP_DIM)}
    elif kind == "tiny":
        if model == "nsfw":
            return {"image": MeanColour(2)}
        if model == "clip":
            return {"image": MeanColour(CLIP_DIM), "text": TinyText(CLIP_DIM)}
        if model == "siglip":
            return {"image": MeanColour(SIGLIP_DIM), "text": TinyText(SIGLIP_DIM)}
    raise ValueError(f"unknown model {kind}/{model}")


def skip_init():
    """Like transformers' no_init_weights: building a module before loading its checkpoint skips random init."""

    class _NoInit:
        def __enter__(self):
            self.saved = {}
            for name in ("normal_", "uniform_", "trunc_normal_", "xavier_uniform_", "xavier_normal_",
                         "kaiming_uniform_", "kaiming_normal_", "zeros_", "ones_", "constant_"):
                self.saved[name] = getattr(nn.init, name)
                setattr(nn.init, name, lambda tensor, *a, **k: tensor)
            return self

        def __exit__(self, *exc):
            for name, fn in self.saved.items():
                setattr(nn.init, name, fn)

    return _NoInit()
