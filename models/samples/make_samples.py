"""Writes the sample images the export verifies against (run once; the PNGs are committed).

Small, lossless, 8-bit RGB and of awkward sizes, so that every resize path runs: smaller than the model input,
exactly its size, larger, odd, portrait and landscape. Their content is synthetic (gradients, stripes, shapes and
smooth noise): enough structure to move every output of a vision tower, nothing anyone owns.
"""
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent


def gradient(w, h):
    y, x = np.mgrid[0:h, 0:w]
    r = 255 * x / (w - 1)
    g = 255 * y / (h - 1)
    b = 255 * (1 - (x + y) / (w + h - 2))
    return Image.fromarray(np.stack([r, g, b], -1).round().astype(np.uint8), "RGB")


def stripes(w, h):
    img = Image.new("RGB", (w, h), (240, 232, 220))
    draw = ImageDraw.Draw(img)
    for i in range(0, w + h, 9):
        draw.line([(i, 0), (i - h, h)], fill=(150, 30, 60), width=3)
    draw.ellipse([w // 5, h // 4, w * 4 // 5, h * 3 // 4], outline=(20, 60, 160), width=4)
    return img


def shapes(w, h):
    img = Image.new("RGB", (w, h), (30, 110, 70))
    draw = ImageDraw.Draw(img)
    draw.rectangle([w // 8, h // 8, w // 2, h // 2], fill=(230, 200, 40))
    draw.polygon([(w * 3 // 5, h // 6), (w * 9 // 10, h * 5 // 6), (w // 3, h * 4 // 5)], fill=(200, 60, 40))
    draw.ellipse([w // 2, h // 2, w * 15 // 16, h * 15 // 16], fill=(240, 240, 250))
    return img


def smooth_noise(w, h, seed):
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, size=(h // 16 + 2, w // 16 + 2, 3), dtype=np.uint8)
    smooth = Image.fromarray(coarse, "RGB").resize((w, h), Image.Resampling.BICUBIC)
    # Coarse levels keep the PNG small; the bicubic upscale still leaves soft edges everywhere.
    return Image.fromarray((np.asarray(smooth) // 32 * 32 + 16).astype(np.uint8), "RGB")


SAMPLES = {
    "gradient-97x61.png": lambda: gradient(97, 61),
    "stripes-48x80.png": lambda: stripes(48, 80),
    "shapes-224x224.png": lambda: shapes(224, 224),
    "noise-288x240.png": lambda: smooth_noise(288, 240, 20240813),
}

if __name__ == "__main__":
    for name, make in SAMPLES.items():
        make().save(HERE / name, optimize=True)
        print(name, (HERE / name).stat().st_size, "bytes")
