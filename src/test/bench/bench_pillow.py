#!/usr/bin/python3
"""Pillow's side of the intake benchmark: per photo, CPU milliseconds (thread time) for decode (open + load + convert("RGB"), as
Hugging Face's load_image) and for each model's preprocessing (the PIL-backend pipeline of make_goldens.py), on
one core.

    /usr/bin/python3 src/test/bench/bench_pillow.py [photo_dir] [rounds]
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
    photos = sorted(glob.glob(os.path.join(sys.argv[1] if len(sys.argv) > 1 else "target/bench/photos", "*.jpg")))
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    print(f"Pillow {PIL.__version__}, libjpeg-turbo {features.version('libjpeg_turbo')}, median of {rounds} rounds, "
          "CPU ms per image")
    print(f"{'photo':<24}{'size':>11}{'decode':>9}" + "".join(f"{m:>9}" for m in make_goldens.MODELS) + f"{'total':>9}")
    totals = []
    for path in photos:
        data = open(path, "rb").read()

        def decode():
            return Image.open(io.BytesIO(data)).convert("RGB")

        rgb = decode()
        row = [timed(decode, rounds)]
        for cfg in make_goldens.MODELS.values():
            row.append(timed(lambda: make_goldens.hf_pipeline(rgb, cfg), rounds))
        totals.append(row)
        print(f"{os.path.basename(path):<24}{rgb.size[0]:>5}x{rgb.size[1]:<5}" + "".join(f"{v:9.2f}" for v in row)
              + f"{sum(row):9.2f}")
    mean = [statistics.mean(col) for col in zip(*totals)]
    print(f"{'mean':<35}" + "".join(f"{v:9.2f}" for v in mean) + f"{sum(mean):9.2f}")


if __name__ == "__main__":
    main()
