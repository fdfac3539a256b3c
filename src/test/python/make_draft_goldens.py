#!/usr/bin/python3
"""Writes what stock Pillow decodes the golden JPEGs to after draft(), for the fast decode's parity test.

Run from the repository root after make_goldens.py, with Debian's Pillow and numpy:

    /usr/bin/python3 src/test/python/make_draft_goldens.py

For every JPEG case of src/test/resources/images/golden/manifest.json it writes <input>.draft.npz with
draft2, draft4 and draft8: uint8 3xHxW, Image.open, draft("RGB", (width // s, height // s)) (which makes Pillow's
libjpeg decode at 1/s), ImageOps.exif_transpose, convert("RGB"); rows delta-coded as in make_goldens.py.
"""

import json
import os
import sys

import numpy as np
from PIL import Image, ImageOps

sys.path.insert(0, os.path.dirname(__file__))
import make_goldens  # noqa: E402


def main():
    out = make_goldens.OUT
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    written = 0
    for case in manifest["cases"]:
        if not case.get("jpeg") or "refused" in case:
            continue
        name = case["file"]
        arrays = {}
        for s in (2, 4, 8):
            image = Image.open(os.path.join(out, name))
            w, h = image.size
            image.draft("RGB", (w // s, h // s))
            assert image.size == ((w + s - 1) // s, (h + s - 1) // s), (name, s, image.size)
            image = ImageOps.exif_transpose(image).convert("RGB")
            arrays[f"draft{s}"] = make_goldens.delta_rows(np.asarray(image))
        np.savez_compressed(os.path.join(out, name + ".draft.npz"), **arrays)
        written += 1
    print(f"{written} JPEGs, draft goldens in {out}")


if __name__ == "__main__":
    main()
