#!/usr/bin/python3
"""Writes the image-intake golden files: small test images and what stock Pillow makes of them.

Run from the repository root with Debian's Pillow and numpy (no transformers needed):

    /usr/bin/python3 src/test/python/make_goldens.py

Output goes to src/test/resources/images/golden/:
  - the input images (PNG, JPEG, GIF, BMP, WebP, TIFF), generated deterministically here and in compat_cases.py
    (the decoder-compatibility variants: damaged JPEGs, orientation sources, colour keys, unusual TIFF, BMP and
    GIF layouts, files Pillow refuses);
  - <input>.npz (numpy savez_compressed) with Pillow's results:
      decoded_drop   uint8 3xHxW  ImageOps.exif_transpose then convert("RGB") (left out for plain RGB PNGs, which
                                  decode to themselves)
      decoded_white  uint8 3xHxW  the same, transparency composited onto white with Image.alpha_composite
      <model>_pixels uint8 3xhxw  the resized and centre-cropped raster the model sees (before rescaling)
      <model>_box    int32 [top, left, resized height, resized width]
      <model>_lut    float32 3x256: what rescale + normalise make of every uint8 value, per channel
    uint8 rasters are stored channel-major with every row delta-coded (each value minus its left neighbour, mod
    256, as PNG's Sub filter), which compresses ten times better. The script checks that
    <model>_lut[c][<model>_pixels] reproduces the pipeline's float32 CHW tensor exactly, so the tensor itself need
    not be stored;
  - manifest.json: versions, the three models' preprocessor configs and the cases (a case Pillow refuses has no
    .npz; its manifest entry carries "refused", the code the service answers with, and "pillow_error").

The preprocessing reproduces the Hugging Face image processors' PIL backend without importing transformers:
convert("RGB") -> PIL resize with reducing_gap=None -> centre crop with floor offsets -> rescale in float64, cast
to float32 -> normalise in float32 -> CHW.
"""

import ctypes
import io
import json
import os
import sys
import tempfile

import numpy as np
import PIL
from PIL import Image, ImageOps, features

import compat_cases

OUT = os.path.join("src", "test", "resources", "images", "golden")

# preprocessor_config.json of the three real models (see models.md 1.3, 2.2, 3.2).
MODELS = {
    "nsfw": {
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.5, 0.5, 0.5],
        "image_processor_type": "ViTImageProcessor", "image_std": [0.5, 0.5, 0.5], "resample": 2,
        "rescale_factor": 0.00392156862745098, "size": {"height": 224, "width": 224},
    },
    "clip": {
        "crop_size": 224, "do_center_crop": True, "do_normalize": True, "do_resize": True,
        "feature_extractor_type": "CLIPFeatureExtractor", "image_mean": [0.48145466, 0.4578275, 0.40821073],
        "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "size": 224,
    },
    "siglip": {
        "do_convert_rgb": True, "do_normalize": True, "do_rescale": True, "do_resize": True,
        "image_mean": [0.5, 0.5, 0.5], "image_processor_type": "SiglipImageProcessor", "image_std": [0.5, 0.5, 0.5],
        "processor_class": "marqo_fashionSigLIP.MarqoFashionSigLIPProcessor", "resample": 3,
        "rescale_factor": 0.00392156862745098, "size": {"height": 224, "width": 224},
    },
}


# ---------------------------------------------------------------------------------------------------------------
# Hugging Face PIL-backend pipeline, step by step


def resize_target(cfg, width, height):
    size = cfg["size"]
    if isinstance(size, int):
        # CLIP reads a bare int as {"shortest_edge": n}.
        size = {"shortest_edge": size}
    if "shortest_edge" in size:
        s = size["shortest_edge"]
        short, long = (width, height) if width <= height else (height, width)
        new_short, new_long = s, int(s * long / short)  # transformers' get_resize_output_image_size
        return (new_short, new_long) if width <= height else (new_long, new_short)
    return size["width"], size["height"]


def crop_size(cfg):
    c = cfg.get("crop_size")
    if c is None or not cfg.get("do_center_crop", False):
        return None
    return (c, c) if isinstance(c, int) else (c["height"], c["width"])


def hf_pipeline(rgb, cfg):
    """rgb: PIL RGB image. Returns (cropped uint8 HWC, box, float32 CHW tensor)."""
    width, height = resize_target(cfg, *rgb.size)
    resized = np.asarray(rgb.resize((width, height), resample=cfg["resample"], reducing_gap=None))
    box = [0, 0, resized.shape[0], resized.shape[1]]
    crop = crop_size(cfg)
    if crop is not None:
        h, w = crop
        top = (resized.shape[0] - h) // 2
        left = (resized.shape[1] - w) // 2
        assert top >= 0 and left >= 0, "padding is not exercised by these configs"
        resized = resized[top:top + h, left:left + w]
        box[0], box[1] = top, left
    x = resized
    if cfg.get("do_rescale", True):
        x = (x.astype(np.float64) * cfg.get("rescale_factor", 1 / 255)).astype(np.float32)
    if cfg.get("do_normalize", True):
        x = x.astype(np.float32)
        mean = np.array(cfg["image_mean"], dtype=x.dtype)
        std = np.array(cfg["image_std"], dtype=x.dtype)
        x = (x - mean) / std
    tensor = np.ascontiguousarray(x.transpose(2, 0, 1)).astype(np.float32)
    return np.ascontiguousarray(resized), np.array(box, dtype=np.int32), tensor


def channel_lut(cfg):
    """The pipeline applied to every uint8 value of every channel, computed by the same numpy operations."""
    values = np.tile(np.arange(256, dtype=np.uint8)[:, None], (1, 3))[None]  # 1x256x3
    x = values
    if cfg.get("do_rescale", True):
        x = (x.astype(np.float64) * cfg.get("rescale_factor", 1 / 255)).astype(np.float32)
    if cfg.get("do_normalize", True):
        x = x.astype(np.float32)
        x = (x - np.array(cfg["image_mean"], dtype=x.dtype)) / np.array(cfg["image_std"], dtype=x.dtype)
    return np.ascontiguousarray(x[0].T).astype(np.float32)  # 3x256


def open_bytes(path):
    """The file as a downloaded image is opened: from memory (Pillow maps some raw layouts straight from a named
    file, reading them differently)."""
    with open(path, "rb") as f:
        return Image.open(io.BytesIO(f.read()))


def load_as_pipeline(path):
    """transformers.image_utils.load_image: EXIF orientation, then the caller's convert("RGB")."""
    image = open_bytes(path)
    image = ImageOps.exif_transpose(image)
    return image


def over_white(image):
    """The service's default for transparency: the RGBA image composited onto opaque white."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


# ---------------------------------------------------------------------------------------------------------------
# Deterministic test content


def scene(width, height, seed):
    """Blocks, gradients, thin high-contrast lines and a patch of noise: compresses well, stresses the filters."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    img = np.zeros((height, width, 3), dtype=np.float64)
    img[..., 0] = 255 * x / max(width - 1, 1)
    img[..., 1] = 255 * y / max(height - 1, 1)
    img[..., 2] = 255 * ((x + y) % 97) / 96.0
    for _ in range(max(4, min(24, width * height // 20000))):
        w = int(rng.integers(2, max(3, width // 3)))
        h = int(rng.integers(2, max(3, height // 3)))
        x0 = int(rng.integers(0, max(1, width - 1)))
        y0 = int(rng.integers(0, max(1, height - 1)))
        img[y0:y0 + h, x0:x0 + w] = rng.integers(0, 256, 3)
    for i in range(0, width, max(2, width // 5)):
        img[:, i] = 255 if (i // 3) % 2 else 0
    for j in range(0, height, max(2, height // 4)):
        img[j, :] = [255, 0, 255] if j % 2 else [0, 0, 0]
    ph, pw = max(1, height // 10), max(1, width // 10)
    img[:ph, -pw:] = rng.integers(0, 256, (ph, pw, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def photo(width, height, seed):
    """Smooth photo-like content for lossy codecs."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    img = np.zeros((height, width, 3))
    for c in range(3):
        for _ in range(6):
            cx, cy = rng.uniform(0, width), rng.uniform(0, height)
            r = rng.uniform(width / 8, width / 2)
            img[..., c] += rng.uniform(40, 120) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
    img += rng.normal(0, 1, img.shape)
    img[height // 3:height // 3 + 3, :] = [250, 20, 20]
    return np.clip(img, 0, 255).astype(np.uint8)


def alpha_ramp(width, height):
    y, x = np.mgrid[0:height, 0:width]
    a = (255 * x / max(width - 1, 1)).astype(np.uint8)
    a[: height // 4] = 0
    a[-height // 4:] = 255
    return a


def exif_with_orientation(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def write_ycck_jpeg(path, cmyk, quality=92):
    """libjpeg writes YCCK when TurboJPEG compresses CMYK pixels; Pillow has no YCCK writer."""
    tj = ctypes.CDLL("libturbojpeg.so.0")
    tj.tjInitCompress.restype = ctypes.c_void_p
    handle = tj.tjInitCompress()
    height, width = cmyk.shape[:2]
    buf = np.ascontiguousarray(cmyk)
    out = ctypes.c_void_p()
    size = ctypes.c_ulong(0)
    TJPF_CMYK, TJSAMP_420 = 11, 2
    rc = tj.tjCompress2(ctypes.c_void_p(handle), buf.ctypes.data_as(ctypes.c_void_p), width, 0, height, TJPF_CMYK,
                        ctypes.byref(out), ctypes.byref(size), TJSAMP_420, quality, 0)
    assert rc == 0, "tjCompress2 failed"
    data = ctypes.string_at(out, size.value)
    tj.tjFree(out)
    tj.tjDestroy(ctypes.c_void_p(handle))
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------------------------------------
# Cases


def build_inputs():
    """Writes every input; returns [(file, flags)]."""
    cases = []

    def add(name, flags):
        cases.append((name, flags))

    def save(img, name, flags, **kwargs):
        img.save(os.path.join(OUT, name), **kwargs)
        add(name, flags)

    pre = {"preprocess": True, "lossless": True}
    modes = {"lossless": True}

    # Preprocessing: sizes and shapes (RGB PNG)
    for w, h, seed in [(900, 600, 1), (333, 500, 3), (97, 61, 4), (224, 224, 5), (225, 224, 6),
                       (1000, 3, 7), (3, 1000, 8), (1, 1, 9), (240, 1000, 10)]:
        save(Image.fromarray(scene(w, h, seed)), f"rgb_{w}x{h}.png", pre, optimize=True)

    # Preprocessing: colour modes
    base = scene(160, 100, 11)
    save(Image.fromarray(base).convert("L"), "grey_160x100.png", pre, optimize=True)
    save(Image.fromarray(base).quantize(97, dither=Image.Dither.NONE), "palette_160x100.png", pre, optimize=True)
    pal = Image.fromarray(scene(131, 97, 12)).quantize(64, dither=Image.Dither.NONE)
    save(pal, "palette-trns_131x97.png", pre, transparency=3)
    palette_alpha = Image.fromarray(scene(120, 80, 13)).quantize(16, dither=Image.Dither.NONE)
    palette_alpha.info["transparency"] = bytes([0, 40, 128, 200, 255] + [255] * 11)
    save(palette_alpha, "palette-alpha_120x80.png", pre, transparency=palette_alpha.info["transparency"])
    rgba = np.dstack([scene(200, 150, 14), alpha_ramp(200, 150)])
    save(Image.fromarray(rgba, "RGBA"), "rgba_200x150.png", pre, optimize=True)
    la = np.dstack([np.asarray(Image.fromarray(scene(90, 90, 15)).convert("L")), alpha_ramp(90, 90)])
    save(Image.fromarray(la, "LA"), "la_90x90.png", pre)
    grey16 = (np.asarray(Image.fromarray(scene(120, 90, 16)).convert("L")).astype(np.uint16) * 3)
    grey16[:, :40] = np.arange(40, dtype=np.uint16)[None, :] * 7  # values both below and above 255
    save(Image.fromarray(grey16.astype(np.uint16), "I;16"), "grey16_120x90.png", pre)
    rgb16 = scene(120, 90, 17).astype(np.uint16) * 257 + np.uint16(3)
    with open(os.path.join(OUT, "rgb16_120x90.png"), "wb") as f:
        f.write(png_bytes(rgb16, colour_type=2, bit_depth=16))
    add("rgb16_120x90.png", pre)
    rgba16 = np.dstack([scene(64, 48, 18), alpha_ramp(64, 48)]).astype(np.uint16) * 257
    with open(os.path.join(OUT, "rgba16_64x48.png"), "wb") as f:
        f.write(png_bytes(rgba16, colour_type=6, bit_depth=16))
    add("rgba16_64x48.png", modes)
    bilevel = Image.fromarray(scene(64, 40, 19)).convert("1")
    save(bilevel, "bilevel_64x40.png", modes)
    grey4 = Image.fromarray(scene(64, 40, 20)).convert("L")
    with open(os.path.join(OUT, "grey4_64x40.png"), "wb") as f:
        f.write(png_bytes(np.asarray(grey4) >> 4, colour_type=0, bit_depth=4))
    add("grey4_64x40.png", modes)
    rgb_trns = scene(64, 48, 21)
    rgb_trns[10:20, 10:30] = [10, 20, 30]
    save(Image.fromarray(rgb_trns), "rgb-trns_64x48.png", modes, transparency=(10, 20, 30))
    grey_trns = np.asarray(Image.fromarray(scene(64, 48, 22)).convert("L")).copy()
    grey_trns[5:15, 5:25] = 77
    save(Image.fromarray(grey_trns, "L"), "grey-trns_64x48.png", modes, transparency=77)

    # EXIF orientation (PNG eXIf and JPEG APP1), every value
    asym = scene(40, 24, 23)
    for o in range(1, 9):
        save(Image.fromarray(asym), f"exif{o}_40x24.png", modes, exif=exif_with_orientation(o))
    photo_small = photo(64, 40, 24)
    for o in (3, 6, 8):
        save(Image.fromarray(photo_small), f"exif{o}_64x40.jpg", {"jpeg": True}, quality=90,
             exif=exif_with_orientation(o))

    # JPEG variants (decoder parity is measured, not assumed)
    pic = photo(320, 200, 25)
    save(Image.fromarray(pic), "photo-420_320x200.jpg", {"jpeg": True, "preprocess": True}, quality=88)
    save(Image.fromarray(pic), "photo-444_320x200.jpg", {"jpeg": True}, quality=95, subsampling=0)
    save(Image.fromarray(pic), "photo-422_320x200.jpg", {"jpeg": True}, quality=90, subsampling=1)
    save(Image.fromarray(pic), "photo-progressive_320x200.jpg", {"jpeg": True, "preprocess": True}, quality=85,
         progressive=True)
    save(Image.fromarray(photo(97, 61, 26)), "photo-odd_97x61.jpg", {"jpeg": True}, quality=80)
    save(Image.fromarray(pic).convert("L"), "grey_320x200.jpg", {"jpeg": True}, quality=90)
    cmyk = Image.fromarray(pic).convert("CMYK")
    save(cmyk, "cmyk_320x200.jpg", {"jpeg": True}, quality=92)
    cmyk_arr = np.asarray(photo(160, 96, 27).astype(np.uint8))
    cmyk_pixels = np.dstack([255 - cmyk_arr, (np.arange(160)[None, :] + np.zeros((96, 1))).astype(np.uint8)])
    write_ycck_jpeg(os.path.join(OUT, "ycck_160x96.jpg"), cmyk_pixels)
    add("ycck_160x96.jpg", {"jpeg": True})

    # Other containers
    small = scene(96, 64, 28)
    save(Image.fromarray(small), "rgb_96x64.gif", modes)
    frames = [Image.fromarray(scene(96, 64, 29 + i)).quantize(32, dither=Image.Dither.NONE) for i in range(3)]
    frames[0].save(os.path.join(OUT, "animated_96x64.gif"), save_all=True, append_images=frames[1:], duration=100,
                   loop=0)
    add("animated_96x64.gif", modes)
    gif_trns = Image.fromarray(small).quantize(32, dither=Image.Dither.NONE)
    save(gif_trns, "trns_96x64.gif", modes, transparency=5)
    for trns in (False, True):
        name = "offset-trns_24x16.gif" if trns else "offset_24x16.gif"
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(gif_with_offset_first_frame(trns))
        add(name, modes)
    save(Image.fromarray(small), "rgb24_96x64.bmp", modes)
    save(Image.fromarray(small).quantize(40, dither=Image.Dither.NONE), "palette8_96x64.bmp", modes)
    save(Image.fromarray(small).convert("L"), "grey8_96x64.bmp", modes)
    save(Image.fromarray(small), "lossless_96x64.webp", modes, lossless=True)
    save(Image.fromarray(np.dstack([small, alpha_ramp(96, 64)]), "RGBA"), "alpha-lossless_96x64.webp", modes,
         lossless=True)
    save(Image.fromarray(pic), "lossy_320x200.webp", {"lossy": True}, quality=85)
    save(Image.fromarray(np.dstack([pic, alpha_ramp(320, 200)]), "RGBA"), "alpha-lossy_320x200.webp",
         {"lossy": True}, quality=85)
    anim = [Image.fromarray(scene(96, 64, 40 + i)) for i in range(3)]
    anim[0].save(os.path.join(OUT, "animated_96x64.webp"), save_all=True, append_images=anim[1:], duration=100,
                 lossless=True)
    add("animated_96x64.webp", modes)
    save(Image.fromarray(small), "rgb_96x64.tif", modes)
    save(Image.fromarray(small), "rgb-lzw_96x64.tif", modes, compression="tiff_lzw")
    save(Image.fromarray(small).convert("L"), "grey-deflate_96x64.tif", modes, compression="tiff_adobe_deflate")
    save(Image.fromarray(np.dstack([small, alpha_ramp(96, 64)]), "RGBA"), "rgba_96x64.tif", modes)

    # Decoder compatibility: damaged JPEGs, every orientation source, colour keys, unusual TIFF/BMP/GIF variants
    with tempfile.TemporaryDirectory() as tmp:
        for name, data, flags in compat_cases.all_cases(tmp):
            with open(os.path.join(OUT, name), "wb") as f:
                f.write(data)
            add(name, flags)
    return cases


def gif_blocks(data):
    """(kind, start, end) of every block after the header, logical screen and global colour table."""
    p = 13
    if data[10] & 0x80:
        p += 3 * (2 << (data[10] & 7))
    out = []
    while p < len(data):
        start = p
        if data[p] == 0x21:
            p += 2
            while data[p]:
                p += data[p] + 1
            out.append(("ext", start, p + 1))
            p += 1
        elif data[p] == 0x2C:
            local = data[p + 9]
            p += 10
            if local & 0x80:
                p += 3 * (2 << (local & 7))
            p += 1
            while data[p]:
                p += data[p] + 1
            out.append(("img", start, p + 1))
            p += 1
        else:
            out.append(("end", p, p + 1))
            break
    return out


def gif_with_offset_first_frame(transparency):
    """Pillow writes a full first frame; keeping only its second frame leaves a GIF whose first frame is offset."""
    a = Image.new("P", (24, 16), 2)
    a.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [9, 9, 9] * 252)
    b = a.copy()
    for x in range(5, 15):
        for y in range(3, 11):
            b.putpixel((x, y), 1 if (x + y) % 3 else 3)
    buf = io.BytesIO()
    kwargs = {"transparency": 3} if transparency else {}
    a.save(buf, "GIF", save_all=True, append_images=[b], duration=100, optimize=False, **kwargs)
    data = buf.getvalue()
    blocks = gif_blocks(data)
    images = [i for i, blk in enumerate(blocks) if blk[0] == "img"]
    second = images[1]
    keep = [blk for blk in blocks[images[0] + 1:second + 1]]
    head = bytearray(data[:blocks[0][1]])
    head[11] = 1  # a background index other than 0, which Pillow 9.4 does not paint for the first frame
    out = bytes(head) + b"".join(data[s:e] for _, s, e in keep if True) + b"\x3b"
    x, y = int.from_bytes(data[blocks[second][1] + 1:blocks[second][1] + 3], "little"), \
        int.from_bytes(data[blocks[second][1] + 3:blocks[second][1] + 5], "little")
    assert (x, y) != (0, 0), "the second frame should be offset"
    return out


def png_bytes(array, colour_type, bit_depth):
    """A minimal PNG writer for layouts Pillow 9.4 cannot write (16-bit RGB/RGBA, 4-bit grey)."""
    import struct
    import zlib

    height, width = array.shape[:2]
    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    rows = []
    for y in range(height):
        row = array[y].reshape(width * channels)
        if bit_depth == 16:
            raw = row.astype(">u2").tobytes()
        elif bit_depth == 4:
            vals = list(row.astype(np.uint8)) + ([0] if width % 2 else [])
            raw = bytes((vals[i] << 4) | vals[i + 1] for i in range(0, len(vals), 2))
        else:
            raw = row.astype(np.uint8).tobytes()
        rows.append(b"\x00" + raw)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def delta_rows(hwc):
    """uint8 HxWx3 -> 3xHxW with each row delta-coded; undone by a running sum mod 256."""
    planar = np.ascontiguousarray(hwc.transpose(2, 0, 1)).astype(np.int16)
    coded = planar.copy()
    coded[:, :, 1:] = planar[:, :, 1:] - planar[:, :, :-1]
    return (coded % 256).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    cases = build_inputs()
    luts = {name: channel_lut(cfg) for name, cfg in MODELS.items()}
    manifest_cases = []
    for name, flags in cases:
        path = os.path.join(OUT, name)
        if flags.get("refused"):
            try:
                with open_bytes(path) as refused:
                    ImageOps.exif_transpose(refused).convert("RGB")
            except Exception as e:  # noqa: BLE001 - whatever Pillow raises is its refusal
                manifest_cases.append(dict(flags, file=name, pillow_error=f"{type(e).__name__}: {e}"))
                continue
            raise AssertionError(f"{name}: Pillow decodes it, but the case expects a refusal")
        try:
            image = load_as_pipeline(path)
            image.load()
        except Exception as e:
            raise AssertionError(f"{name}: Pillow refuses it ({e}); mark the case refused") from e
        arrays = {}
        if not (name.startswith("rgb_") and name.endswith(".png")):
            # A plain RGB PNG decodes to itself; its preprocessing goldens cover it.
            arrays["decoded_drop"] = np.asarray(image.convert("RGB"))
            arrays["decoded_white"] = np.asarray(over_white(image))
        if flags.get("preprocess"):
            rgb = image.convert("RGB")
            for model, cfg in MODELS.items():
                pixels, box, tensor = hf_pipeline(rgb, cfg)
                rebuilt = luts[model][np.arange(3)[:, None, None], pixels.transpose(2, 0, 1)]
                assert np.array_equal(rebuilt, tensor), "lut reconstruction must be exact"
                assert tensor.shape == (3, 224, 224)
                arrays[model + "_pixels"] = pixels
                arrays[model + "_box"] = box
                arrays[model + "_lut"] = luts[model]
        stored = {k: (delta_rows(v) if v.dtype == np.uint8 else v) for k, v in arrays.items()}
        np.savez_compressed(os.path.join(OUT, name + ".npz"), **stored)
        with open_bytes(path) as original:
            mode = original.mode
            fmt = original.format
        manifest_cases.append(dict(flags, file=name, format=fmt, pillow_mode=mode,
                                   width=image.size[0], height=image.size[1]))
    manifest = {
        "generator": "src/test/python/make_goldens.py",
        "python": sys.version.split()[0],
        "pillow": PIL.__version__,
        "numpy": np.__version__,
        "jpeglib_version": Image.core.jpeglib_version,
        "libjpeg_turbo": features.version("libjpeg_turbo"),
        "libwebp": features.version("webp"),
        "libtiff": features.version("libtiff"),
        "models": MODELS,
        "cases": manifest_cases,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{len(manifest_cases)} cases, {total / 1e6:.2f} MB in {OUT}; Pillow {PIL.__version__}, "
          f"libjpeg {Image.core.jpeglib_version} (libjpeg-turbo {features.version('libjpeg_turbo')})")


if __name__ == "__main__":
    main()
