#!/usr/bin/python3
"""Prepares the photos that the quality defaults were chosen on: real photos from Debian packages and degraded copies.

    /usr/bin/python3 src/test/bench/quality_photos.py [out_dir]     (default target/bench/quality)

The photos are not committed: the script downloads python3-skimage and mate-backgrounds with `apt-get download`
(no install), unpacks them under target/bench/debs and writes, for each photo, the original as a JPEG (quality 90)
and degraded copies: Gaussian blur of 1, 1.5, 2, 3 and 4 px as seen on a 512-px copy (the radius scales with the
photo), exposure cut to 30 % and 12 % (dark), and highlights pushed to 85 % and 95 % white (bright). It also writes
4000 x 3000 JPEGs (12 MP) of a few photos for the benchmark. QualityCalibration measures the folder.
"""

import glob
import os
import subprocess
import sys

from PIL import Image, ImageFilter

SKIMAGE = ["astronaut.png", "chelsea.png", "coffee.png", "motorcycle_left.png", "motorcycle_right.png",
           "rocket.jpg", "retina.jpg", "hubble_deep_field.jpg", "camera.png", "coins.png", "moon.png", "grass.png",
           "gravel.png", "brick.png"]
MATE = ["nature/Garden.jpg", "nature/Dune.jpg", "nature/Wood.jpg", "nature/Aqua.jpg", "nature/TwoWings.jpg",
        "nature/Storm.jpg", "nature/GreenMeadow.jpg", "nature/RainDrops.jpg", "nature/Blinds.jpg",
        "nature/FreshFlower.jpg", "nature/LadyBird.jpg", "nature/YellowFlower.jpg"]
BLURS = [1, 1.5, 2, 3, 4]
DARK = [0.30, 0.12]
BRIGHT = [0.85, 0.95]
TWELVE_MP = ["Garden", "LadyBird", "astronaut", "coffee"]


def unpack(work, package):
    target = os.path.join(work, package)
    if not os.path.isdir(target):
        os.makedirs(work, exist_ok=True)
        subprocess.run(["apt-get", "download", package], cwd=work, check=True)
        deb = sorted(glob.glob(os.path.join(work, package + "_*.deb")))[-1]
        subprocess.run(["dpkg", "-x", deb, target], check=True)
    return target


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "bench", "quality")
    work = os.path.join("target", "bench", "debs")
    skimage = os.path.join(unpack(work, "python3-skimage"), "usr/lib/python3/dist-packages/skimage/data")
    mate = os.path.join(unpack(work, "mate-backgrounds"), "usr/share/backgrounds/mate")
    sources = [os.path.join(skimage, n) for n in SKIMAGE] + [os.path.join(mate, n) for n in MATE]
    os.makedirs(out, exist_ok=True)
    os.makedirs(os.path.join(out, "12mp"), exist_ok=True)
    for path in sources:
        name = os.path.splitext(os.path.basename(path))[0]
        image = Image.open(path).convert("RGB")
        longer = max(image.size)
        image.save(os.path.join(out, f"{name}.original.jpg"), quality=90)
        for sigma in BLURS:
            blurred = image.filter(ImageFilter.GaussianBlur(sigma * longer / 512))
            blurred.save(os.path.join(out, f"{name}.blur{sigma}.jpg"), quality=90)
        for gain in DARK:
            image.point(lambda v, g=gain: round(v * g)).save(os.path.join(out, f"{name}.dark{gain}.jpg"), quality=90)
        for lift in BRIGHT:
            image.point(lambda v, k=lift: round(255 - (255 - v) * (1 - k))).save(
                os.path.join(out, f"{name}.bright{lift}.jpg"), quality=90)
        if name in TWELVE_MP:
            big = image.resize((4000, 3000), Image.Resampling.LANCZOS)
            big.save(os.path.join(out, "12mp", f"{name}.jpg"), quality=90)
        print(f"{name}: {image.size[0]}x{image.size[1]}")


if __name__ == "__main__":
    main()
