#!/usr/bin/python3
"""Prepares the intake benchmark's sample photos: ~1 MP JPEGs made from Debian's scikit-image sample data.

    /usr/bin/python3 src/test/bench/bench_photos.py [out_dir]      (default target/bench/photos)

The photos are not committed: the script downloads the python3-skimage package with apt-get (no install, no
root needed for `apt-get download` beyond a readable apt cache), unpacks it into target/bench/skimage and writes
one JPEG per colour sample, resized to about one megapixel (quality 90, 4:2:0, as typical web photos).
"""

import glob
import os
import subprocess
import sys

from PIL import Image

SAMPLES = ["hubble_deep_field.jpg", "retina.jpg", "rocket.jpg", "motorcycle_left.png", "coffee.png",
           "astronaut.png", "chelsea.png", "ihc.png"]


def skimage_data(work):
    data = os.path.join(work, "x", "usr", "lib", "python3", "dist-packages", "skimage", "data")
    if os.path.isdir(data):
        return data
    os.makedirs(work, exist_ok=True)
    subprocess.run(["apt-get", "download", "python3-skimage"], cwd=work, check=True)
    deb = sorted(glob.glob(os.path.join(work, "python3-skimage_*.deb")))[-1]
    subprocess.run(["dpkg", "-x", deb, os.path.join(work, "x")], check=True)
    return data


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "bench", "photos")
    data = skimage_data(os.path.join("target", "bench", "skimage"))
    os.makedirs(out, exist_ok=True)
    for name in SAMPLES:
        image = Image.open(os.path.join(data, name)).convert("RGB")
        w, h = image.size
        scale = (1_000_000 / (w * h)) ** 0.5
        size = (round(w * scale), round(h * scale))
        photo = image.resize(size, Image.Resampling.LANCZOS)
        target = os.path.join(out, os.path.splitext(name)[0] + ".jpg")
        photo.save(target, quality=90, subsampling=2)
        print(f"{target}: {size[0]}x{size[1]}, {os.path.getsize(target) // 1024} KB")


if __name__ == "__main__":
    main()
