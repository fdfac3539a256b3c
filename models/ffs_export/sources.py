"""What the exporter needs from a model library, as plain callables and torch modules. ``hub`` builds these from
transformers and open_clip; ``standin`` from small random modules with the same interfaces."""
from dataclasses import dataclass, field
from typing import Callable, Optional

from torch import nn


@dataclass
class TextTower:
    graph: nn.Module
    """input_ids [N, L] int64 (+ attention_mask when ``uses_mask``) -> text_embeds [N, D]."""
    uses_mask: bool
    context_length: int
    tokenize: Callable
    """The library's tokenizer: list of texts -> int64 tensor [N, context_length] of ids exactly as the model was
    fed them (cleaning, special tokens, truncation and padding included)."""
    tokenizer_json: dict
    """The library tokenizer's tokenizer.json, as a dict."""
    text_clean: Optional[str] = None
    """Cleaning the service applies before tokenising (``canonicalize``), when the tokenizer file cannot express it."""


@dataclass
class ModelSource:
    kind: str
    """Folder name: nsfw, clip or siglip."""
    model_id: str
    revision: str
    libraries: dict
    """Library name -> version, recorded in the manifest and the reference file."""
    image_graph: nn.Module
    image_graph_file: str
    image_output: str
    preprocess: Callable
    """The library's own preprocessing: PIL image -> float32 CHW numpy array."""
    preprocessor_config: dict
    config: dict
    """config.json as the service reads it (id2label, logit_scale as the multiplier, logit_bias, ...)."""
    text: Optional[TextTower] = None
    extra_files: dict = field(default_factory=dict)
    """Other files copied into the folder, name -> bytes."""
