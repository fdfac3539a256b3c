"""tokenizer.json as the service reads it: the library's own tokenizer, with a fixed-length padding section that
names the pad id the model was trained with, and the encoding rule the service applies to it.
"""
import copy
import html
import json
import re
import string

_PUNCTUATION = str.maketrans("", "", string.punctuation)


def canonicalize(text):
    """OpenCLIP's "canonicalize" cleaning (used by Marqo's SigLIP), without ftfy: the service has no ftfy either."""
    text = html.unescape(html.unescape(text)).strip()
    text = text.replace("_", " ").translate(_PUNCTUATION).lower()
    return re.sub(r"\s+", " ", text).strip()


CLEANERS = {None: lambda t: t, "none": lambda t: t, "canonicalize": canonicalize}


def token_for_id(tokenizer_json, token_id):
    """The token string of an id, from the added tokens or the model's vocabulary (WordLevel, BPE, WordPiece or
    Unigram)."""
    for added in tokenizer_json.get("added_tokens") or []:
        if added["id"] == token_id:
            return added["content"]
    vocab = tokenizer_json["model"]["vocab"]
    if isinstance(vocab, list):  # Unigram: [[piece, score], ...]
        return vocab[token_id][0]
    for token, i in vocab.items():
        if i == token_id:
            return token
    raise ValueError(f"no token with id {token_id} in the tokenizer")


def with_fixed_padding(tokenizer_json, length, pad_id):
    """A copy of ``tokenizer_json`` (a dict) that pads every sequence to ``length`` with ``pad_id`` and truncates to
    it, so the file alone says how the text graph must be fed."""
    if length <= 0:
        raise ValueError(f"sequence length must be positive, got {length}")
    out = copy.deepcopy(tokenizer_json)
    out["padding"] = {
        "strategy": {"Fixed": int(length)},
        "direction": "Right",
        "pad_to_multiple_of": None,
        "pad_id": int(pad_id),
        "pad_type_id": 0,
        "pad_token": token_for_id(tokenizer_json, pad_id),
    }
    out["truncation"] = {"direction": "Right", "max_length": int(length), "strategy": "LongestFirst", "stride": 0}
    return out


def dumps(tokenizer_json):
    return json.dumps(tokenizer_json, ensure_ascii=False, indent=2) + "\n"


def service_encoding(token_ids, length, pad_id):
    """What the service feeds the text graph for one text's ids (special tokens included): cut to ``length``
    keeping the last (end-of-text) token, then padded with ``pad_id``; and the attention mask."""
    ids = list(token_ids)
    if len(ids) > length:
        ids = ids[:length - 1] + [ids[-1]]
    mask = [1] * len(ids) + [0] * (length - len(ids))
    return ids + [pad_id] * (length - len(ids)), mask


def service_ids(tokenizer_json, texts, text_clean=None):
    """Token ids as the service computes them from ``tokenizer_json``, for the texts. Needs the ``tokenizers``
    package (installed with transformers); returns None without it."""
    try:
        from tokenizers import Tokenizer
    except ImportError:
        return None
    padding = tokenizer_json["padding"]
    length, pad_id = padding["strategy"]["Fixed"], padding["pad_id"]
    tokenizer = Tokenizer.from_str(json.dumps(tokenizer_json))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    clean = CLEANERS[text_clean]
    return [service_encoding(tokenizer.encode(clean(t)).ids, length, pad_id)[0] for t in texts]
