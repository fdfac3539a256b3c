#!/usr/bin/python3
"""Pillow's side of the intake benchmark: per photo, CPU milliseconds (thread time) for decode (open + load + convert("RGB"), as
Hugging Face's load_image) and for each model's preprocessing (the PIL-backend pipeline of make_goldens.py), on
one core. With --draft, JPEGs decode after draft("RGB", (224, 224)), the reduced DCT scale the service's
validator.image.decode-scaling=fast uses.

    /usr/bin/python3 src/test/bench/bench_pillow.py [photo_dir] [rounds] [--draft]

The last line, RESULT ..., gives the means for programs that collect them (bench/run.sh).
"""

import glob
import io
import os
import statistics
import sys
import time

import PIL
from PIL import Image, features

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import make_goldens  # noqa: E402


def timed(fn, rounds):
    samples = []
    for _ in range(rounds):
        t0 = time.thread_time()
        fn()
        samples.append((time.thread_time() - t0) * 1000)
    return statistics.median(samples)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    draft = "--draft" in sys.argv[1:]
    photos = sorted(glob.glob(os.path.join(args[0] if args else "target/bench/photos", "*.jpg")))
    rounds = int(args[1]) if len(args) > 1 else 20
    print(f"Pillow {PIL.__version__}, libjpeg-turbo {features.version('libjpeg_turbo')}, "
          f"{'draft' if draft else 'whole'} decode, median of {rounds} rounds, CPU ms per image")
    print(f"{'photo':<24}{'size':>11}{'decode':>9}" + "".join(f"{m:>9}" for m in make_goldens.MODELS) + f"{'total':>9}")
    totals = []
    for path in photos:
        data = open(path, "rb").read()

        def decode():
            image = Image.open(io.BytesIO(data))
            if draft:
                image.draft("RGB", (224, 224))
            return image.convert("RGB")

        rgb = decode()
        row = [timed(decode, rounds)]
        for cfg in make_goldens.MODELS.values():
            row.append(timed(lambda: make_goldens.hf_pipeline(rgb, cfg), rounds))
        totals.append(row)
        print(f"{os.path.basename(path):<24}{rgb.size[0]:>5}x{rgb.size[1]:<5}" + "".join(f"{v:9.2f}" for v in row)
              + f"{sum(row):9.2f}")
    mean = [statistics.mean(col) for col in zip(*totals)]
    print(f"{'mean':<35}" + "".join(f"{v:9.2f}" for v in mean) + f"{sum(mean):9.2f}")
    print(f"RESULT mode={'draft' if draft else 'whole'} photos={len(totals)} decode={mean[0]:.3f} "
          + " ".join(f"{m}={v:.3f}" for m, v in zip(make_goldens.MODELS, mean[1:])) + f" total={sum(mean):.3f}")


if __name__ == "__main__":
    main()
