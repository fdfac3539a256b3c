"""Small randomly initialised models with the interfaces the hub layer returns (transformers'
ViTForImageClassification and CLIPModel, OpenCLIP's SigLIP CustomTextCLIP), a word-level tokenizer in
tokenizer.json form, and the preprocessing of each real model. They let everything except the download run here:
the export of these stand-ins goes through the same code as the real models."""
import math
import re
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from . import preprocess as hf_preprocess
from .sources import ModelSource, TextTower
from .tokenizer_files import canonicalize

IMAGE_SIZE = 224


class Block(nn.Module):
    """Pre-LayerNorm transformer block with explicit attention arithmetic (exports on every opset >= 13)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x, bias=None):
        n, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads)
        if bias is not None:
            scores = scores + bias
        x = x + self.proj((scores.softmax(-1) @ v).transpose(1, 2).reshape(n, t, d))
        return x + self.mlp(self.norm2(x))


class TinyViT(nn.Module):
    def __init__(self, out_dim, patch=32, dim=48, depth=2, heads=4, cls_token=True):
        super().__init__()
        self.patch = nn.Conv2d(3, dim, patch, patch)
        tokens = (IMAGE_SIZE // patch) ** 2 + (1 if cls_token else 0)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.5) if cls_token else None
        self.pos = nn.Parameter(torch.randn(1, tokens, dim) * 0.5)
        self.blocks = nn.ModuleList(Block(dim, heads) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, out_dim)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)
        if self.cls is not None:
            x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1)
        x = x + self.pos
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        pooled = x[:, 0] if self.cls is not None else x.mean(dim=1)
        return self.head(pooled)


class TinyTextTransformer(nn.Module):
    def __init__(self, vocab, length, out_dim, causal, dim=48, depth=2, heads=4):
        super().__init__()
        self.causal = causal
        self.embed = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(1, length, dim) * 0.5)
        self.blocks = nn.ModuleList(Block(dim, heads) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.proj = nn.Linear(dim, out_dim)

    def forward(self, input_ids, attention_mask=None, pool_at=None):
        x = self.embed(input_ids) + self.pos
        t = input_ids.shape[1]
        bias = torch.zeros(1, 1, t, t)
        if self.causal:
            bias = bias + torch.triu(torch.full((t, t), -1e4), diagonal=1)
        if attention_mask is not None:
            bias = bias + (1.0 - attention_mask[:, None, None, :].float()) * -1e4
        for block in self.blocks:
            x = block(x, bias)
        x = self.norm(x)
        pooled = x[:, -1] if pool_at is None else x[torch.arange(x.shape[0]), pool_at]
        return self.proj(pooled)


# ---- transformers-like interfaces -------------------------------------------------------------------------------

class StandInViTForImageClassification(nn.Module):
    def __init__(self):
        super().__init__()
        self.vit = TinyViT(out_dim=2, patch=16)
        self.config = SimpleNamespace(id2label={0: "normal", 1: "nsfw"}, label2id={"normal": 0, "nsfw": 1})

    def forward(self, pixel_values):
        return SimpleNamespace(logits=self.vit(pixel_values))


class StandInCLIPModel(nn.Module):
    """CLIPModel's feature methods: unnormalised projections, text pooled at the end-of-text token (the largest id,
    as legacy CLIP configs find it with argmax)."""

    def __init__(self, vocab, length, dim=32):
        super().__init__()
        self.vision = TinyViT(out_dim=dim, patch=32)
        self.text = TinyTextTransformer(vocab, length, dim, causal=True)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(100.0)))

    def get_image_features(self, pixel_values):
        return self.vision(pixel_values)

    def get_text_features(self, input_ids, attention_mask):
        return self.text(input_ids, attention_mask, pool_at=input_ids.argmax(dim=-1))


class StandInSigLIP(nn.Module):
    """OpenCLIP CustomTextCLIP's encode methods: no class token, bidirectional text pooled at the last position."""

    def __init__(self, vocab, length, dim=32):
        super().__init__()
        self.visual = TinyViT(out_dim=dim, patch=16, cls_token=False)
        self.text = TinyTextTransformer(vocab, length, dim, causal=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(117.33)))
        self.logit_bias = nn.Parameter(torch.tensor(-12.93))

    def encode_image(self, image, normalize=False):
        x = self.visual(image)
        return F.normalize(x, dim=-1) if normalize else x

    def encode_text(self, text, normalize=False):
        x = self.text(text)
        return F.normalize(x, dim=-1) if normalize else x


# ---- word-level tokenizer ---------------------------------------------------------------------------------------

WORDS = ("a an the of with and photo picture red white black blue green gold silver dress shirt tshirt t men mens "
         "women womens size xl leather handbag bag chain sneakers shoes jeans jacket coat summer").split()
_PIECES = re.compile(r"\w+|[^\w\s]+")


class WordTokenizer:
    """A tokenizers WordLevel model over WORDS plus punctuation, with a TemplateProcessing post-processor; encodes in
    Python exactly as the Hugging Face tokenizers library encodes its tokenizer.json."""

    def __init__(self, specials, bos, eos, pad, specials_first, length, clean=None):
        words = WORDS + ["!", ",", "'", "-", "."]
        self.vocab = {}
        for token in (specials if specials_first else []) + words + ([] if specials_first else specials):
            self.vocab[token] = len(self.vocab)
        self.bos, self.eos, self.pad = bos, eos, pad
        self.length = length
        self.clean = clean or (lambda t: t)

    def ids(self, text):
        unk = self.vocab["<unk>"]
        pieces = [self.vocab.get(p, unk) for p in _PIECES.findall(self.clean(text).lower())]
        return ([self.vocab[self.bos]] if self.bos else []) + pieces + [self.vocab[self.eos]]

    def __call__(self, texts):
        """Library-style batch: truncated keeping the end token, padded to the length; and the attention mask."""
        rows, masks = [], []
        for text in texts:
            ids = self.ids(text)
            if len(ids) > self.length:
                ids = ids[:self.length - 1] + [ids[-1]]
            masks.append([1] * len(ids) + [0] * (self.length - len(ids)))
            rows.append(ids + [self.vocab[self.pad]] * (self.length - len(ids)))
        return torch.tensor(rows, dtype=torch.long), torch.tensor(masks, dtype=torch.long)

    def tokenizer_json(self):
        special = lambda tok: {"id": self.vocab[tok], "content": tok, "single_word": False, "lstrip": False,  # noqa
                               "rstrip": False, "normalized": False, "special": True}
        specials = [t for t in self.vocab if t.startswith("<")]
        single = ([{"SpecialToken": {"id": self.bos, "type_id": 0}}] if self.bos else []) + [
            {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": self.eos, "type_id": 0}}]
        special_map = {t: {"id": t, "ids": [self.vocab[t]], "tokens": [t]} for t in (self.bos, self.eos) if t}
        return {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [special(t) for t in specials],
            "normalizer": {"type": "Lowercase"},
            "pre_tokenizer": {"type": "Whitespace"},
            "post_processor": {"type": "TemplateProcessing", "single": single,
                               "pair": single + [{"Sequence": {"id": "B", "type_id": 1}}],
                               "special_tokens": special_map},
            "decoder": None,
            "model": {"type": "WordLevel", "vocab": self.vocab, "unk_token": "<unk>"},
        }


# ---- sources ----------------------------------------------------------------------------------------------------

NSFW_PREPROCESSOR = {"image_processor_type": "ViTImageProcessor", "do_resize": True,
                     "size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE}, "resample": 2, "do_rescale": True,
                     "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": [0.5] * 3, "image_std": [0.5] * 3}
# The laion repository's legacy file: bare ints, CLIPFeatureExtractor defaults for the rest.
CLIP_PREPROCESSOR = {"crop_size": IMAGE_SIZE, "do_center_crop": True, "do_normalize": True, "do_resize": True,
                     "feature_extractor_type": "CLIPFeatureExtractor",
                     "image_mean": [0.48145466, 0.4578275, 0.40821073],
                     "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "size": IMAGE_SIZE}
SIGLIP_PREPROCESSOR = {"image_processor_type": "SiglipImageProcessor", "do_resize": True,
                       "size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE}, "resample": 3, "do_rescale": True,
                       "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": [0.5] * 3,
                       "image_std": [0.5] * 3, "do_convert_rgb": True}


def _squash_bicubic(image):
    """OpenCLIP's eval transform for resize_mode "squash": resize, then RGB, ToTensor (float32 /255), Normalize."""
    x = np.asarray(image.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BICUBIC).convert("RGB"), dtype=np.float32)
    x = x / np.float32(255)
    return ((x - np.float32(0.5)) / np.float32(0.5)).transpose(2, 0, 1).copy()


def sources(seed=0):
    """The three stand-ins, seeded so every run exports the same weights."""
    torch.manual_seed(seed)
    libs = {"stand-in": "random weights"}

    nsfw = StandInViTForImageClassification().eval()
    nsfw_src = ModelSource(
        kind="nsfw", model_id="stand-in/nsfw_image_detection", revision="random-seed-%d" % seed, libraries=libs,
        image_graph=_graphs().ClassifierLogits(nsfw), image_graph_file="model.onnx", image_output="logits",
        preprocess=lambda img: hf_preprocess.preprocess(img, NSFW_PREPROCESSOR),
        preprocessor_config=NSFW_PREPROCESSOR,
        config={"model_type": "vit", "id2label": {str(k): v for k, v in nsfw.config.id2label.items()},
                "label2id": {k: str(v) for k, v in nsfw.config.label2id.items()}})

    clip_tok = WordTokenizer(["<unk>", "<|startoftext|>", "<|endoftext|>"], "<|startoftext|>", "<|endoftext|>",
                             "<|endoftext|>", specials_first=False, length=77)
    clip = StandInCLIPModel(len(clip_tok.vocab), 77).eval()
    clip_src = ModelSource(
        kind="clip", model_id="stand-in/CLIP-ViT-B-32", revision="random-seed-%d" % seed, libraries=libs,
        image_graph=_graphs().HfImageEmbeds(clip), image_graph_file="vision_model.onnx", image_output="image_embeds",
        preprocess=lambda img: hf_preprocess.preprocess(img, CLIP_PREPROCESSOR),
        preprocessor_config=CLIP_PREPROCESSOR,
        config={"logit_scale": float(clip.logit_scale.exp()), "embeds_normalized": True},
        text=TextTower(graph=_graphs().HfTextEmbeds(clip), uses_mask=True, context_length=77, tokenize=clip_tok,
                       tokenizer_json=clip_tok.tokenizer_json()))

    siglip_tok = WordTokenizer(["<pad>", "</s>", "<unk>"], None, "</s>", "</s>", specials_first=True, length=64,
                               clean=canonicalize)
    siglip = StandInSigLIP(len(siglip_tok.vocab), 64).eval()
    siglip_src = ModelSource(
        kind="siglip", model_id="stand-in/marqo-fashionSigLIP", revision="random-seed-%d" % seed, libraries=libs,
        image_graph=_graphs().OpenClipImageEmbeds(siglip), image_graph_file="vision_model.onnx",
        image_output="image_embeds", preprocess=_squash_bicubic, preprocessor_config=SIGLIP_PREPROCESSOR,
        config={"logit_scale": float(siglip.logit_scale.exp()), "logit_bias": float(siglip.logit_bias),
                "embeds_normalized": True},
        text=TextTower(graph=_graphs().OpenClipTextEmbeds(siglip), uses_mask=False, context_length=64,
                       tokenize=lambda texts: (siglip_tok(texts)[0], None),
                       tokenizer_json=siglip_tok.tokenizer_json(), text_clean="canonicalize"))
    return [nsfw_src, clip_src, siglip_src]


def _graphs():
    from . import graphs
    return graphs
