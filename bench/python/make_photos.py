"""Sample photos for the benchmark: real photographs from Debian packages, scaled to about one megapixel and saved
as baseline JPEG (quality 90, 4:2:0), the size of a typical marketplace upload.

    python3 make_photos.py OUT_DIR [MEGAPIXELS]

Downloads mate-backgrounds (nature photographs) and python3-skimage (its sample data) with `apt-get download`,
unpacks them with `dpkg -x` next to OUT_DIR, and writes OUT_DIR/photo-NN.jpg. Nothing is installed.

With MEGAPIXELS (e.g. 12, a phone photo) the photos are scaled to that size instead, and every other one is turned
to portrait, as phones take them. The sources are 1 to 18 MP, so most 12 MP photos are enlarged: smoother than a
camera's, which makes their JPEGs smaller and a little quicker to decode than real phone photos.
"""

import glob
import math
import os
import subprocess
import sys
import tempfile

from PIL import Image

PACKAGES = ("mate-backgrounds", "python3-skimage")
PICKS = ("usr/share/backgrounds/mate/nature/*.jpg",
         "usr/share/backgrounds/mate/abstract/Elephants.jpg",
         "usr/lib/python3/dist-packages/skimage/data/hubble_deep_field.jpg",
         "usr/lib/python3/dist-packages/skimage/data/retina.jpg",
         "usr/lib/python3/dist-packages/skimage/data/motorcycle_left.png",
         "usr/lib/python3/dist-packages/skimage/data/astronaut.png",
         "usr/lib/python3/dist-packages/skimage/data/coffee.png")
def main():
    out = sys.argv[1]
    pixels = int(float(sys.argv[2]) * 1_000_000) if len(sys.argv) > 2 else 1_000_000
    portraits = len(sys.argv) > 2
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out))) as work:
        os.chmod(work, 0o755)  # apt-get download hands the file to its own unprivileged user
        subprocess.run(["apt-get", "download", *PACKAGES], cwd=work, check=True, stdout=subprocess.DEVNULL)
        tree = os.path.join(work, "tree")
        for deb in glob.glob(os.path.join(work, "*.deb")):
            subprocess.run(["dpkg", "-x", deb, tree], check=True)
        sources = sorted(f for pattern in PICKS for f in glob.glob(os.path.join(tree, pattern)))
        if len(sources) < 8:
            sys.exit(f"expected at least 8 photos in {PACKAGES}, found {len(sources)}")
        for n, source in enumerate(sources):
            image = Image.open(source).convert("RGB")
            if portraits and n % 2 == 1 and image.width > image.height:
                image = image.transpose(Image.Transpose.ROTATE_90)
            scale = math.sqrt(pixels / (image.width * image.height))
            size = (round(image.width * scale), round(image.height * scale))
            image.resize(size, Image.Resampling.LANCZOS).save(os.path.join(out, f"photo-{n:02d}.jpg"), quality=90)
    print(f"  {len(sources)} photos of about {pixels / 1e6:.1f} MP in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
