"""Inputs for the decoder-compatibility goldens: the variants Pillow 9.4 decodes (or refuses) beyond plain files.

Imported by make_goldens.py. Every file is generated here, deterministically: JPEGs with damage that libjpeg only
warns about (and truncations it does not survive), orientation from every source ImageOps.exif_transpose reads,
colour-key transparency, TIFFs written through libtiff (the library Pillow reads them with) in the layouts and
compressions it supports, BMPs and GIFs assembled byte by byte where no writer produces the variant.

Each builder returns (file name, bytes, flags). Flags: "lossless" (the service must match Pillow exactly), "jpeg"
(decoded through libjpeg-turbo, exact as well), "refused" (Pillow cannot open or load it; the value is the error code
the service answers with), and "category" (a row of the compatibility table in docs/image-compatibility.md).
"""

import ctypes
import io
import struct
import zlib

import numpy as np
from PIL import Image

# ---------------------------------------------------------------------------------------------------------------
# Shared content


def pattern(height, width, samples, dtype=np.uint8, seed=0):
    """Gradients in every sample, a block of noise and a few flat patches: every value range is exercised."""
    rng = np.random.default_rng(seed)
    top = np.iinfo(dtype).max if np.issubdtype(dtype, np.integer) else 255
    y, x = np.mgrid[0:height, 0:width]
    out = np.zeros((height, width, samples), dtype=np.float64)
    for c in range(samples):
        out[..., c] = ((x * (c + 3) * 7919 + y * (samples - c + 2) * 104729) % (top + 1)) if top > 255 else \
            ((x * (c + 1) * 37 + y * 53 * (samples - c)) % 256)
    out[: height // 3, : width // 3] = rng.integers(0, top + 1, (height // 3, width // 3, samples))
    out[height // 2:height // 2 + 3, :] = top
    out[-3:, : width // 2] = 0
    return out.astype(dtype)


def asymmetric(height, width):
    """An image whose every rotation and mirror differs."""
    y, x = np.mgrid[0:height, 0:width]
    return np.dstack([x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), (x * 3 + y * 7) % 256]) \
        .astype(np.uint8)


# ---------------------------------------------------------------------------------------------------------------
# TIFF through libtiff


class LibTiff:
    """Writes TIFFs with Debian's libtiff 4.5 (the library Pillow reads them with)."""

    def __init__(self):
        t = ctypes.CDLL("libtiff.so.6")
        t.TIFFOpen.restype = ctypes.c_void_p
        t.TIFFOpen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        for name in ("TIFFWriteEncodedStrip", "TIFFWriteEncodedTile", "TIFFWriteRawStrip"):
            getattr(t, name).argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_ssize_t]
            getattr(t, name).restype = ctypes.c_ssize_t
        t.TIFFClose.argtypes = [ctypes.c_void_p]
        t.TIFFSetErrorHandler(None)
        t.TIFFSetWarningHandler(None)
        self.t = t

    def _set(self, tif, tag, *values):
        args = []
        for v in values:
            if isinstance(v, float):
                args.append(ctypes.c_double(v))
            elif isinstance(v, np.ndarray):
                args.append(ctypes.c_void_p(v.ctypes.data))
            else:
                args.append(ctypes.c_int(v))
        assert self.t.TIFFSetField(ctypes.c_void_p(tif), ctypes.c_uint32(tag), *args) == 1, (tag, values)

    def write(self, path, pixels, *, photometric, bits, big_endian=False, bigtiff=False, compression=1, planar=1,
              sample_format=1, extra=None, rows_per_strip=None, tile=None, orientation=None, predictor=None,
              colormap=None, ycbcr_subsampling=None, jpeg_colormode=None, fill_order=None):
        """pixels: H x W x samples array of the sample type, native byte order (libtiff swaps as the file asks)."""
        arr = np.ascontiguousarray(pixels)
        h, w, s = arr.shape
        mode = b"w" + (b"8" if bigtiff else b"") + (b"b" if big_endian else b"l")
        tif = self.t.TIFFOpen(path.encode(), mode)
        assert tif, path
        keep = []
        for tag, value in ((256, w), (257, h), (258, bits), (277, s), (262, photometric), (259, compression),
                           (284, planar), (339, sample_format)):
            self._set(tif, tag, value)
        if extra is not None:
            e = np.array(extra, dtype=np.uint16)
            keep.append(e)
            self._set(tif, 338, len(extra), e)
        if orientation:
            self._set(tif, 274, orientation)
        if predictor:
            self._set(tif, 317, predictor)
        if fill_order:
            self._set(tif, 266, fill_order)
        if colormap is not None:
            maps = [np.ascontiguousarray(c, dtype=np.uint16) for c in colormap]
            keep.extend(maps)
            self._set(tif, 320, *maps)
        if ycbcr_subsampling:
            self._set(tif, 530, *ycbcr_subsampling)
        if jpeg_colormode is not None:
            self._set(tif, 65538, jpeg_colormode)
        if tile:
            tw, th = tile
            self._set(tif, 322, tw)
            self._set(tif, 323, th)
            index = 0
            for plane in (range(s) if planar == 2 else [None]):
                for ty in range(0, h, th):
                    for tx in range(0, w, tw):
                        block = np.zeros((th, tw, 1 if plane is not None else s), dtype=arr.dtype)
                        src = arr[ty:ty + th, tx:tx + tw] if plane is None else arr[ty:ty + th, tx:tx + tw,
                                                                                    plane:plane + 1]
                        block[:src.shape[0], :src.shape[1]] = src
                        data = self._bytes(block, bits)
                        assert self.t.TIFFWriteEncodedTile(tif, index, data.ctypes.data, data.nbytes) >= 0
                        index += 1
        else:
            rps = rows_per_strip or h
            self._set(tif, 278, rps)
            index = 0
            for plane in (range(s) if planar == 2 else [None]):
                for y in range(0, h, rps):
                    part = arr[y:y + rps] if plane is None else arr[y:y + rps, :, plane:plane + 1]
                    data = self._bytes(part, bits)
                    assert self.t.TIFFWriteEncodedStrip(tif, index, data.ctypes.data, data.nbytes) >= 0, path
                    index += 1
        self.t.TIFFClose(tif)
        del keep

    @staticmethod
    def _bytes(part, bits):
        part = np.ascontiguousarray(part)
        if bits >= 8:
            return part.view(np.uint8).reshape(-1).copy()
        rows = []
        for row in part:
            values = row.reshape(-1).astype(np.uint8)
            rows.append(np.packbits(np.unpackbits(values[:, None], axis=1)[:, 8 - bits:].reshape(-1)))
        return np.ascontiguousarray(np.concatenate(rows))


def old_style_jpeg_tiff(rgb):
    """A TIFF with compression 6 (old-style JPEG): its strip is a complete JFIF stream, as scanners wrote them."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=90, subsampling=2)
    jpeg = buf.getvalue()
    h, w = rgb.shape[:2]
    entries = []
    data_at = 8
    bits_at = data_at + len(jpeg)
    ifd_at = bits_at + 6 + (bits_at + 6) % 2

    def entry(tag, typ, count, value):
        entries.append(struct.pack("<HHI", tag, typ, count) + value)

    def short(v):
        return struct.pack("<HH", v, 0)

    def long_(v):
        return struct.pack("<I", v)

    entry(256, 3, 1, short(w))
    entry(257, 3, 1, short(h))
    entry(258, 3, 3, long_(bits_at))
    entry(259, 3, 1, short(6))
    entry(262, 3, 1, short(6))
    entry(273, 4, 1, long_(data_at))
    entry(277, 3, 1, short(3))
    entry(278, 3, 1, short(h))
    entry(279, 4, 1, long_(len(jpeg)))
    entry(284, 3, 1, short(1))
    entry(513, 4, 1, long_(data_at))
    entry(514, 4, 1, long_(len(jpeg)))
    entry(530, 3, 2, struct.pack("<HH", 2, 2))
    head = b"II*\x00" + struct.pack("<I", ifd_at)
    body = jpeg + struct.pack("<HHH", 8, 8, 8)
    body += b"\x00" * (ifd_at - 8 - len(body))
    ifd = struct.pack("<H", len(entries)) + b"".join(entries) + struct.pack("<I", 0)
    return head + body + ifd


def tiff_cases(tmp):
    lib = LibTiff()
    out = []

    def add(name, flags=None, **kwargs):
        path = tmp + "/" + name
        lib.write(path, **kwargs)
        with open(path, "rb") as f:
            out.append((name, f.read(), dict({"lossless": True, "category": "tiff"}, **(flags or {}))))

    grey16 = pattern(30, 40, 1, np.uint16, 1)
    grey16[:, :8, 0] = np.arange(8, dtype=np.uint16)[None, :] * 40  # values below and above 255
    add("grey16-le_40x30.tif", pixels=grey16, photometric=1, bits=16)
    add("grey16-be_40x30.tif", pixels=grey16, photometric=1, bits=16, big_endian=True)
    add("grey16-le-lzw_40x30.tif", pixels=grey16, photometric=1, bits=16, compression=5)
    add("grey16-be-deflate_40x30.tif", pixels=grey16, photometric=1, bits=16, big_endian=True, compression=8,
        predictor=2)
    add("grey16-signed_40x30.tif", pixels=(grey16.astype(np.int32) - 30000).astype(np.int16), photometric=1,
        bits=16, sample_format=2)
    add("grey32_40x30.tif", pixels=(grey16.astype(np.uint32) * 3), photometric=1, bits=32)
    rgb16 = pattern(30, 40, 3, np.uint16, 2)
    rgba16 = pattern(30, 40, 4, np.uint16, 3)
    for endian in ("le", "be"):
        big = endian == "be"
        add(f"rgb16-{endian}_40x30.tif", pixels=rgb16, photometric=2, bits=16, big_endian=big)
        add(f"rgb16-{endian}-lzw_40x30.tif", pixels=rgb16, photometric=2, bits=16, big_endian=big, compression=5)
        add(f"rgb16-{endian}-planar-lzw_40x30.tif", pixels=rgb16, photometric=2, bits=16, big_endian=big,
            compression=5, planar=2)
        add(f"rgb16-{endian}-planar_40x30.tif", pixels=rgb16, photometric=2, bits=16, big_endian=big, planar=2)
        for extra, kind in ((2, "unassoc"), (1, "assoc"), (0, "unspec")):
            add(f"rgba16-{endian}-{kind}_40x30.tif", pixels=rgba16, photometric=2, bits=16, big_endian=big,
                extra=[extra])
            add(f"rgba16-{endian}-{kind}-planar-deflate_40x30.tif", pixels=rgba16, photometric=2, bits=16,
                big_endian=big, extra=[extra], planar=2, compression=8)
    rgb8 = pattern(30, 40, 3, np.uint8, 4)
    rgba8 = pattern(30, 40, 4, np.uint8, 5)
    add("rgb-planar_40x30.tif", pixels=rgb8, photometric=2, bits=8, planar=2, rows_per_strip=7)
    add("rgb-planar-lzw_40x30.tif", pixels=rgb8, photometric=2, bits=8, planar=2, compression=5)
    add("rgba-assoc-planar-lzw_40x30.tif", pixels=rgba8, photometric=2, bits=8, planar=2, compression=5, extra=[1])
    add("rgba-assoc_40x30.tif", pixels=rgba8, photometric=2, bits=8, extra=[1])
    add("rgb-strips_40x30.tif", pixels=rgb8, photometric=2, bits=8, rows_per_strip=7)
    add("rgb-tiled_40x30.tif", pixels=rgb8, photometric=2, bits=8, tile=(16, 16))
    add("rgb-tiled-lzw_40x30.tif", pixels=rgb8, photometric=2, bits=8, tile=(16, 16), compression=5)
    add("rgb-bigtiff_40x30.tif", pixels=rgb8, photometric=2, bits=8, bigtiff=True)
    add("rgb-bigtiff-deflate_40x30.tif", pixels=rgb8, photometric=2, bits=8, bigtiff=True, compression=8)
    add("rgb-packbits_40x30.tif", pixels=rgb8, photometric=2, bits=8, compression=32773)
    add("rgb-lzma_40x30.tif", pixels=rgb8, photometric=2, bits=8, compression=34925)
    add("rgb-zstd_40x30.tif", pixels=rgb8, photometric=2, bits=8, compression=50000)
    add("rgb-webp_40x30.tif", pixels=rgb8, photometric=2, bits=8, compression=50001)
    add("rgba-webp_40x30.tif", pixels=rgba8, photometric=2, bits=8, compression=50001, extra=[2])
    floats = (pattern(30, 40, 1, np.uint16, 6).astype(np.float32) / 97.0 - 100.0).astype(np.float32)
    floats[0, :6, 0] = [np.inf, -np.inf, 254.99, 255.0, 0.5, -0.0]
    add("float32-le_40x30.tif", pixels=floats, photometric=1, bits=32, sample_format=3)
    add("float32-be_40x30.tif", pixels=floats, photometric=1, bits=32, sample_format=3, big_endian=True)
    add("float32-deflate_40x30.tif", pixels=floats, photometric=1, bits=32, sample_format=3, compression=8,
        predictor=3)
    cmyk = pattern(32, 48, 4, np.uint8, 7)
    add("cmyk_48x32.tif", pixels=cmyk, photometric=5, bits=8)
    add("cmyk-jpeg_48x32.tif", pixels=cmyk, photometric=5, bits=8, compression=7, rows_per_strip=16)
    add("cmyk-planar-lzw_48x32.tif", pixels=cmyk, photometric=5, bits=8, compression=5, planar=2)
    lab = pattern(30, 40, 3, np.uint8, 8)
    add("lab_40x30.tif", pixels=lab, photometric=8, bits=8)
    add("lab-lzw_40x30.tif", pixels=lab, photometric=8, bits=8, compression=5)
    ycc = pattern(32, 48, 3, np.uint8, 9)
    add("ycbcr-jpeg_48x32.tif", pixels=ycc, photometric=6, bits=8, compression=7, rows_per_strip=16,
        jpeg_colormode=1)
    add("ycbcr-lzw_40x30.tif", pixels=rgb8, photometric=6, bits=8, compression=5, ycbcr_subsampling=(1, 1),
        rows_per_strip=8)
    add("grey-jpeg_48x32.tif", pixels=ycc[..., :1], photometric=1, bits=8, compression=7, rows_per_strip=16)
    grey8 = pattern(30, 40, 1, np.uint8, 10)
    add("grey-miniswhite_40x30.tif", pixels=grey8, photometric=0, bits=8)
    add("grey4-lzw_40x30.tif", pixels=grey8 >> 4, photometric=1, bits=4, compression=5)
    add("bilevel-fillorder2_40x30.tif", pixels=(grey8 >> 7), photometric=1, bits=1, fill_order=2)
    add("bilevel-g4_40x30.tif", pixels=(grey8 >> 7), photometric=0, bits=1, compression=4)
    add("la_40x30.tif", pixels=pattern(30, 40, 2, np.uint8, 11), photometric=1, bits=8, extra=[2])
    index = grey8 >> 4
    cmap = [np.arange(16) * 4096 + 255, np.full(16, 30000), (15 - np.arange(16)) * 4096]
    add("palette4_40x30.tif", pixels=index, photometric=3, bits=4, colormap=cmap)
    cmap8 = [np.arange(256) * 257, (255 - np.arange(256)) * 257, np.full(256, 128 * 257)]
    add("palette8-lzw_40x30.tif", pixels=grey8, photometric=3, bits=8, colormap=cmap8, compression=5)
    # Orientation: Pillow 9.4 transposes TIFFs by their tag when loading them and again in exif_transpose.
    asym = asymmetric(24, 40)
    for o in (2, 3, 5, 6, 8):
        add(f"orientation{o}_40x24.tif", pixels=asym, photometric=2, bits=8, orientation=o,
            flags={"category": "orientation"})
    add("orientation6-lzw_40x24.tif", pixels=asym, photometric=2, bits=8, orientation=6, compression=5,
        flags={"category": "orientation"})
    add("orientation6-ycbcr-lzw_40x24.tif", pixels=asym, photometric=6, bits=8, orientation=6, compression=5,
        ycbcr_subsampling=(1, 1), rows_per_strip=8, flags={"category": "orientation"})
    add("orientation4-ycbcr-lzw_40x24.tif", pixels=asym, photometric=6, bits=8, orientation=4, compression=5,
        ycbcr_subsampling=(1, 1), rows_per_strip=8, flags={"category": "orientation"})
    out.append(("old-jpeg_48x32.tif", old_style_jpeg_tiff(pattern(32, 48, 3, np.uint8, 12)),
                {"lossless": True, "category": "tiff"}))
    # Layouts Pillow 9.4 refuses ("unknown pixel mode"): they stay refused, with the reason.
    refused = {"refused": "UNSUPPORTED_FORMAT", "category": "tiff"}
    add("la16_40x30.tif", pixels=pattern(30, 40, 2, np.uint16, 13), photometric=1, bits=16, extra=[2],
        flags=refused)
    add("float16_40x30.tif", pixels=floats.astype(np.float16), photometric=1, bits=16, sample_format=3,
        flags=refused)
    add("float64_40x30.tif", pixels=floats.astype(np.float64), photometric=1, bits=64, sample_format=3,
        flags=refused)
    add("rgb-float32_40x30.tif", pixels=np.dstack([floats] * 3), photometric=2, bits=32, sample_format=3,
        flags=refused)
    # Pillow 9.4 fails to read big-endian BigTIFF directories.
    add("rgb-bigtiff-be_40x30.tif", pixels=rgb8, photometric=2, bits=8, bigtiff=True, big_endian=True,
        flags=refused)
    add("grey16-be-fillorder2_40x30.tif", pixels=grey16, photometric=1, bits=16, big_endian=True, fill_order=2,
        flags=refused)
    return out


# ---------------------------------------------------------------------------------------------------------------
# JPEG: damage libjpeg warns about, and data that runs out


def jpeg_segments(data):
    """(offset, marker) of every segment before the first scan, and the scan's data start."""
    p, out = 2, []
    while True:
        marker = data[p + 1]
        length = int.from_bytes(data[p + 2:p + 4], "big")
        out.append((p, marker))
        if marker == 0xDA:
            return out, p + 2 + length
        p += 2 + length


def jpeg_cases():
    from make_goldens import photo
    out = []
    pic = photo(96, 64, 60)

    def save(**kwargs):
        b = io.BytesIO()
        Image.fromarray(pic).save(b, "JPEG", quality=90, **kwargs)
        return b.getvalue()

    base = save()
    progressive = save(progressive=True)
    segments, scan = jpeg_segments(base)
    at = {m: p for p, m in segments}
    ok = {"jpeg": True, "category": "jpeg-warnings"}
    truncated = {"refused": "DECODE_FAILED", "category": "jpeg-warnings"}
    out.append(("junk-before-markers_96x64.jpg",
                base[:at[0xDB]] + b"\x00\x11\x22" + base[at[0xDB]:at[0xDA]] + b"\x01\x02" + base[at[0xDA]:], ok))
    out.append(("junk-before-eoi_96x64.jpg", base[:-2] + b"\x12\x34\x56\x78" + base[-2:], ok))
    corrupt = bytearray(base)
    for i in range(scan + 300, scan + 306):
        if corrupt[i] != 0xFF and corrupt[i - 1] != 0xFF:
            corrupt[i] ^= 0x5A
    out.append(("corrupt-entropy_96x64.jpg", bytes(corrupt), ok))
    middle = scan + (len(base) - scan) // 2
    out.append(("cut-scan-then-eoi_96x64.jpg", base[:middle] + b"\xff\xd9", ok))
    out.append(("trailing-segment-cut_96x64.jpg", base[:-2] + b"\xff\xfe\x00\x20cut", ok))
    out.append(("truncated-scan_96x64.jpg", base[:middle], truncated))
    out.append(("no-eoi_96x64.jpg", base[:-2], truncated))
    # The middle of the progressive file's largest scan (its entropy data lies between an SOS and the next marker).
    sos = [i for i in range(len(progressive) - 1) if progressive[i] == 0xFF and progressive[i + 1] == 0xDA]
    ends = sos[1:] + [len(progressive) - 2]
    start, end = max(zip(sos, ends), key=lambda se: se[1] - se[0])
    pmiddle = (start + end) // 2
    out.append(("progressive-cut-then-eoi_96x64.jpg", progressive[:pmiddle] + b"\xff\xd9", ok))
    # Orientation: EXIF behind stray bytes is still read; XMP in a JPEG is not (Pillow 9.4 reads it from PNG only).
    from make_goldens import exif_with_orientation
    exif6 = exif_with_orientation(6)
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif6) + 2) + exif6
    out.append(("exif6-after-junk_96x64.jpg", base[:2] + app1 + b"\x00\x00" + base[2:],
                {"jpeg": True, "category": "orientation"}))
    packet = b"http://ns.adobe.com/xap/1.0/\x00" + xmp("attribute", 6).encode()
    out.append(("xmp6-not-read_96x64.jpg", base[:2] + b"\xff\xe1" + struct.pack(">H", len(packet) + 2) + packet
                + base[2:], {"jpeg": True, "category": "orientation"}))
    out.append(("progressive-truncated_96x64.jpg", progressive[:pmiddle], truncated))
    out.append(("progressive-no-eoi_96x64.jpg", progressive[:-2], truncated))
    return out


# ---------------------------------------------------------------------------------------------------------------
# PNG: orientation from eXIf, text chunks and XMP; colour keys


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with(png, before_idat=(), after_idat=()):
    p, chunks = 8, []
    while p < len(png):
        length = int.from_bytes(png[p:p + 4], "big")
        chunks.append((png[p + 4:p + 8], png[p + 8:p + 8 + length]))
        p += 12 + length
    out = []
    placed = False
    for i, (kind, data) in enumerate(chunks):
        if kind == b"IDAT" and not placed:
            out.extend(before_idat)
        out.append((kind, data))
        if kind == b"IDAT" and not placed and chunks[i + 1][0] != b"IDAT":
            out.extend(after_idat)
            placed = True
    return b"\x89PNG\r\n\x1a\n" + b"".join(png_chunk(k, d) for k, d in out)


def xmp(form, orientation):
    desc = ('<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"'
            + (f' tiff:Orientation="{orientation}"/>' if form == "attribute"
               else f'><tiff:Orientation>{orientation}</tiff:Orientation></rdf:Description>'))
    return ('<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' + desc
            + '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def itxt(key, text, compressed=False):
    body = zlib.compress(text.encode()) if compressed else text.encode()
    return b"iTXt", key.encode() + b"\0" + bytes([1 if compressed else 0, 0]) + b"\0\0" + body


def raw_profile(exif):
    """ImageMagick's way of keeping EXIF in a PNG: hex in a text chunk, after a name and a length line."""
    hexed = exif.hex()
    return "\nexif\n" + f"{len(exif):8d}\n" + "\n".join(hexed[i:i + 72] for i in range(0, len(hexed), 72)) + "\n"


def png_cases():
    from make_goldens import exif_with_orientation, scene, png_bytes
    out = []
    buf = io.BytesIO()
    Image.fromarray(asymmetric(24, 40)).save(buf, "PNG")
    plain = buf.getvalue()

    def exif(o):
        e = exif_with_orientation(o)
        return e[6:] if e.startswith(b"Exif\0\0") else e

    o = {"lossless": True, "category": "orientation"}
    out.append(("exif-after-idat6_40x24.png", png_with(plain, after_idat=[(b"eXIf", exif(6))]), o))
    out.append(("xmp-attribute6_40x24.png", png_with(plain, [itxt("XML:com.adobe.xmp", xmp("attribute", 6))]), o))
    out.append(("xmp-element8-compressed_40x24.png",
                png_with(plain, [itxt("XML:com.adobe.xmp", xmp("element", 8), compressed=True)]), o))
    out.append(("xmp-text5_40x24.png",
                png_with(plain, [(b"tEXt", b"XML:com.adobe.xmp\0" + xmp("attribute", 5).encode())]), o))
    out.append(("xmp-ztxt7_40x24.png", png_with(plain, [
        (b"zTXt", b"XML:com.adobe.xmp\0\0" + zlib.compress(xmp("element", 7).encode()))]), o))
    out.append(("xmp-after-idat3_40x24.png",
                png_with(plain, after_idat=[itxt("XML:com.adobe.xmp", xmp("attribute", 3))]), o))
    out.append(("exif1-over-xmp6_40x24.png",
                png_with(plain, [(b"eXIf", exif(1)), itxt("XML:com.adobe.xmp", xmp("attribute", 6))]), o))
    out.append(("raw-profile6_40x24.png", png_with(plain, [
        (b"zTXt", b"Raw profile type exif\0\0" + zlib.compress(raw_profile(exif_with_orientation(6)).encode()))]),
        o))
    out.append(("raw-profile8-text-after-idat_40x24.png", png_with(plain, after_idat=[
        (b"tEXt", b"Raw profile type exif\0" + raw_profile(exif_with_orientation(8)).encode())]), o))
    out.append(("text-exif3_40x24.png", png_with(plain, [(b"tEXt", b"exif\0" + exif_with_orientation(3))]), o))

    # Colour keys beyond 8-bit RGB and grey (those are in make_goldens.py's main cases).
    k = {"lossless": True, "category": "colour-key"}
    rgb16 = scene(48, 32, 70).astype(np.uint16) * 257
    rgb16[4:12, 4:20] = [0x0A0A, 0x1414, 0x1E1E]
    trns = struct.pack(">HHH", 0x0A0A, 0x1414, 0x1E1E)
    out.append(("rgb16-trns_48x32.png", png_with(png_bytes(rgb16, 2, 16), [(b"tRNS", trns)]), k))
    rgb16_low = scene(48, 32, 71).astype(np.uint16)
    rgb16_low[4:12, 4:20] = [10, 20, 30]
    out.append(("rgb16-trns-low_48x32.png",
                png_with(png_bytes(rgb16_low, 2, 16), [(b"tRNS", struct.pack(">HHH", 10, 20, 30))]), k))
    grey16 = (np.asarray(Image.fromarray(scene(48, 32, 72)).convert("L")).astype(np.uint16) * 5)
    grey16[3:9, 3:30] = 700
    out.append(("grey16-trns_48x32.png", png_with(png_bytes(grey16, 0, 16), [(b"tRNS", struct.pack(">H", 700))]),
                k))
    grey4 = np.asarray(Image.fromarray(scene(48, 32, 73)).convert("L")) >> 4
    out.append(("grey4-trns0_48x32.png", png_with(png_bytes(grey4, 0, 4), [(b"tRNS", struct.pack(">H", 0))]), k))
    out.append(("grey4-trns5_48x32.png", png_with(png_bytes(grey4, 0, 4), [(b"tRNS", struct.pack(">H", 5))]), k))
    palette = Image.fromarray(scene(48, 32, 74)).quantize(8, dither=Image.Dither.NONE)
    indices = np.asarray(palette).copy()
    indices[2:6, :] = 200  # past the 8-entry palette
    short = Image.fromarray(indices, "P")
    short.putpalette(palette.getpalette()[:24])
    buf = io.BytesIO()
    short.save(buf, "PNG", bits=8)
    out.append(("palette-short_48x32.png", buf.getvalue(), {"lossless": True, "category": "png"}))
    return out


# ---------------------------------------------------------------------------------------------------------------
# WebP orientation


def webp_cases():
    from make_goldens import exif_with_orientation
    buf = io.BytesIO()
    Image.fromarray(asymmetric(24, 40)).save(buf, "WEBP", lossless=True, exif=exif_with_orientation(6))
    return [("exif6_40x24.webp", buf.getvalue(), {"lossless": True, "category": "orientation"})]


# ---------------------------------------------------------------------------------------------------------------
# BMP, assembled byte by byte


def bmp(width, height, bits, pixel_data, *, header_size=40, palette=None, compression=0, colors=None,
        top_down=False, masks=None, palette_entry=4, data_size=None):
    info = bytearray()
    if header_size == 12:
        info += struct.pack("<IHHHH", 12, width, height, 1, bits)
    else:
        info += struct.pack("<IiiHHIIiiII", header_size, width, -height if top_down else height, 1, bits,
                            compression, len(pixel_data) if data_size is None else data_size, 2835, 2835,
                            colors if colors is not None else 0, 0)
        if masks is not None and header_size == 40:
            info += struct.pack("<III", *masks[:3])
        elif header_size > 40:
            extra = struct.pack("<IIII", *(masks or (0, 0, 0, 0)))
            info += (extra + bytes(header_size))[:header_size - 40]
    pal = b""
    if palette is not None:
        pal = b"".join(bytes([b, g, r] + ([0] if palette_entry == 4 else [])) for r, g, b in palette)
    offset = 14 + len(info) + pal.__len__()
    head = b"BM" + struct.pack("<IHHI", offset + len(pixel_data), 0, 0, offset)
    return head + bytes(info) + pal + pixel_data


def bmp_rows(indices, bits):
    """Bottom-up rows packed at `bits` and padded to 4 bytes."""
    rows = []
    for row in indices[::-1]:
        if bits == 8:
            raw = bytes(row.astype(np.uint8))
        elif bits == 4:
            v = list(row) + ([0] if len(row) % 2 else [])
            raw = bytes((v[i] << 4) | v[i + 1] for i in range(0, len(v), 2))
        else:
            raw = np.packbits(row.astype(np.uint8)).tobytes()
        rows.append(raw + b"\0" * (-len(raw) % 4))
    return b"".join(rows)


def bmp_cases():
    from make_goldens import scene
    out = []
    ok = {"lossless": True, "category": "bmp"}
    colours = [(i * 37 % 256, i * 91 % 256, 255 - i * 13 % 256) for i in range(16)]
    # RLE8: encoded runs, an absolute run, a delta that skips pixels, an end of line before the row is full.
    rle8 = bytearray()
    rle8 += bytes([5, 1, 3, 2, 0, 4, 7, 8, 9, 10, 0, 2, 2, 1, 4, 3, 0, 0])
    rle8 += bytes([16, 5, 0, 0])
    rle8 += bytes([4, 200, 0, 1])  # index 200 is past the 16-entry palette
    out.append(("rle8-delta_16x4.bmp", bmp(16, 4, 8, bytes(rle8), palette=colours, compression=1, colors=16), ok))
    rle8_full = bytearray()
    for y in range(6):
        rle8_full += bytes([3, y, 0, 3, 9, 10, 11, 0, 10, (y * 3) % 16, 0, 0])
    rle8_full += bytes([0, 1])
    out.append(("rle8_16x6.bmp", bmp(16, 6, 8, bytes(rle8_full), palette=colours, compression=1, colors=16), ok))
    rle4 = bytearray()
    rle4 += bytes([6, 0x12, 0, 4, 0x34, 0x56, 0, 0])
    rle4 += bytes([12, 0x9A, 0, 0])
    rle4 += bytes([0, 2, 3, 0, 0, 4, 0xBC, 0xDE, 4, 0xF1, 0, 0, 0, 1])
    out.append(("rle4-delta_12x3.bmp", bmp(12, 3, 4, bytes(rle4), palette=colours, compression=2, colors=16), ok))
    out.append(("rle8-short_16x4.bmp", bmp(16, 4, 8, bytes([16, 1, 0, 0, 0, 1]), palette=colours, compression=1,
                                            colors=16), {"refused": "DECODE_FAILED", "category": "bmp"}))
    idx = (np.arange(24 * 10).reshape(10, 24) * 7) % 23  # indices up to 22, palette of 16
    out.append(("palette-short_24x10.bmp", bmp(24, 10, 8, bmp_rows(idx, 8), palette=colours, colors=16), ok))
    pic = scene(24, 10, 80)
    rgb_rows = b"".join(bytes(row[:, ::-1].reshape(-1)) + b"\0" * (-(24 * 3) % 4) for row in pic[::-1])
    out.append(("os2v2-rgb24_24x10.bmp", bmp(24, 10, 24, rgb_rows, header_size=64), ok))
    out.append(("os2v2-palette4_24x10.bmp", bmp(24, 10, 4, bmp_rows(idx % 16, 4), header_size=64,
                                                 palette=colours, colors=16), ok))
    out.append(("os2v1-palette8_24x10.bmp", bmp(24, 10, 8, bmp_rows(idx % 16, 8), header_size=12,
                                                 palette=colours + [(0, 0, 0)] * 240, palette_entry=3), ok))
    top = b"".join(bytes(row[:, ::-1].reshape(-1)) + b"\0" * (-(24 * 3) % 4) for row in pic)
    out.append(("top-down_24x10.bmp", bmp(24, 10, 24, top, top_down=True), ok))
    p565 = b"".join(struct.pack("<" + "H" * 24, *[((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3) for r, g, b in row])
                    + b"\0" * (-(24 * 2) % 4) for row in pic[::-1].astype(int))
    out.append(("rgb565_24x10.bmp", bmp(24, 10, 16, p565, compression=3, masks=(0xF800, 0x7E0, 0x1F)), ok))
    p555 = b"".join(struct.pack("<" + "H" * 24, *[((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3) for r, g, b in row])
                    + b"\0" * (-(24 * 2) % 4) for row in pic[::-1].astype(int))
    out.append(("rgb555_24x10.bmp", bmp(24, 10, 16, p555), ok))
    alpha = (np.arange(24)[None, :] * 11 % 256 + np.zeros((10, 1), int)).astype(np.uint8)
    bgra = b"".join(bytes(np.hstack([row[:, ::-1], a[:, None]]).reshape(-1)) for row, a in zip(pic[::-1], alpha))
    out.append(("bgra-v4_24x10.bmp", bmp(24, 10, 32, bgra, header_size=108, compression=3,
                                         masks=(0xFF0000, 0xFF00, 0xFF, 0xFF000000)), ok))
    grey = [(i * 17, i * 17, i * 17) for i in range(16)]
    # An identity grey palette makes Pillow read 4-bit pixels as 8-bit L rows, which its raw decoder refuses.
    out.append(("grey-palette4_24x10.bmp", bmp(24, 10, 4, bmp_rows(idx % 16, 4), palette=[(i, i, i) for i in
                                                                                           range(16)], colors=16),
                {"refused": "UNSUPPORTED_FORMAT", "category": "bmp"}))
    out.append(("grey-ramp-not-identity4_24x10.bmp", bmp(24, 10, 4, bmp_rows(idx % 16, 4), palette=grey,
                                                          colors=16), ok))
    bw = bmp_rows((idx % 2).astype(np.uint8), 1)
    out.append(("bilevel_24x10.bmp", bmp(24, 10, 1, bw, palette=[(0, 0, 0), (255, 255, 255)], colors=2), ok))
    refused = {"refused": "UNSUPPORTED_FORMAT", "category": "bmp"}
    out.append(("bitfields-odd_24x10.bmp", bmp(24, 10, 16, p565, compression=3, masks=(0xF000, 0xFC0, 0x3F)),
                refused))
    header16 = struct.pack("<IHHHH", 16, 24, 10, 1, 24) + b"\0" * 4
    out.append(("header16_24x10.bmp", b"BM" + struct.pack("<IHHI", 30 + len(rgb_rows), 0, 0, 30) + header16
                + rgb_rows, refused))
    return out


# ---------------------------------------------------------------------------------------------------------------
# GIF, assembled byte by byte


def lzw(indices, min_code_size):
    """A plain GIF LZW encoder: a clear code first, the table reset when it is full."""
    clear, end = 1 << min_code_size, (1 << min_code_size) + 1
    out_bits, nbits = 0, 0
    data = bytearray()
    size = min_code_size + 1

    def emit(code):
        nonlocal out_bits, nbits
        out_bits |= code << nbits
        nbits += size
        while nbits >= 8:
            data.append(out_bits & 0xFF)
            out_bits >>= 8
            nbits -= 8

    table = {(i,): i for i in range(clear)}
    next_code = end + 1
    emit(clear)
    current = ()
    for v in indices:
        candidate = current + (int(v),)
        if candidate in table:
            current = candidate
            continue
        emit(table[current])
        if next_code < 4096:
            table[candidate] = next_code
            next_code += 1
            if next_code - 1 == (1 << size) and size < 12:
                size += 1
        else:
            emit(clear)
            table = {(i,): i for i in range(clear)}
            next_code = end + 1
            size = min_code_size + 1
        current = (int(v),)
    if current:
        emit(table[current])
    emit(end)
    if nbits:
        data.append(out_bits & 0xFF)
    return bytes(data)


def gif_blocks(data):
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255)) + b"\0"


def gif(width, height, frames, global_palette=None, background=0):
    """frames: dicts with indices (h x w), optional left, top, palette, transparency, interlace."""
    flags = 0
    gct = b""
    if global_palette is not None:
        bits = max(1, int(np.ceil(np.log2(len(global_palette)))))
        flags = 0x80 | (bits - 1) | ((bits - 1) << 4)
        gct = b"".join(bytes(c) for c in global_palette) + b"\0" * 3 * ((1 << bits) - len(global_palette))
    out = b"GIF89a" + struct.pack("<HHBBB", width, height, flags, background, 0) + gct
    for f in frames:
        idx = np.asarray(f["indices"], dtype=np.uint8)
        h, w = idx.shape
        if f.get("transparency") is not None:
            out += b"\x21\xf9\x04" + bytes([1]) + struct.pack("<H", 10) + bytes([f["transparency"], 0])
        lflags = 0
        lct = b""
        if f.get("palette") is not None:
            bits = max(1, int(np.ceil(np.log2(len(f["palette"])))))
            lflags = 0x80 | (bits - 1)
            lct = b"".join(bytes(c) for c in f["palette"]) + b"\0" * 3 * ((1 << bits) - len(f["palette"]))
        rows = idx
        if f.get("interlace"):
            lflags |= 0x40
            order = list(range(0, h, 8)) + list(range(4, h, 8)) + list(range(2, h, 4)) + list(range(1, h, 2))
            rows = idx[order]
        out += b"\x2c" + struct.pack("<HHHHB", f.get("left", 0), f.get("top", 0), w, h, lflags) + lct
        code_size = f.get("code_size", 8)
        out += bytes([code_size]) + gif_blocks(lzw(rows.reshape(-1), code_size))
    return out + b"\x3b"


def gif_cases():
    from make_goldens import scene
    out = []
    ok = {"lossless": True, "category": "gif"}
    idx = (np.arange(32 * 20).reshape(20, 32) * 5 + np.arange(20)[:, None] * 3) % 64
    pal = [(i * 4, 255 - i * 4, (i * 37) % 256) for i in range(64)]
    out.append(("no-colour-table_32x20.gif", gif(32, 20, [{"indices": idx}]), ok))
    out.append(("no-colour-table-trns_32x20.gif", gif(32, 20, [{"indices": idx, "transparency": 9}]), ok))
    out.append(("grey-ramp-palette_32x20.gif", gif(32, 20, [{"indices": idx}],
                                                   global_palette=[(i, i, i) for i in range(64)]), ok))
    out.append(("local-palette-trns_32x20.gif", gif(40, 24, [{"indices": idx, "palette": pal, "left": 3, "top": 2,
                                                             "transparency": 5}]), ok))
    out.append(("interlaced_32x20.gif", gif(32, 20, [{"indices": idx, "interlace": True}], global_palette=pal), ok))
    small = gif(32, 20, [{"indices": idx % 4, "code_size": 2}], global_palette=pal[:4])
    out.append(("small-palette_32x20.gif", small, ok))
    oob = gif(32, 20, [{"indices": idx}], global_palette=pal[:16])
    out.append(("palette-short_32x20.gif", oob, ok))
    two = gif(32, 20, [{"indices": idx}, {"indices": idx[::-1]}], global_palette=pal)
    second = len(gif(32, 20, [{"indices": idx}], global_palette=pal)) - 1  # where the second frame starts
    out.append(("damaged-after-first-frame_32x20.gif", two[:second] + b"\x2c\x00\x00\xff\xff\x07garbage" * 3, ok))
    out.append(("garbage-after-first-frame_32x20.gif", two[:second] + bytes(range(256)), ok))
    out.append(("truncated-first-frame_32x20.gif", two[:second // 2],
                {"refused": "DECODE_FAILED", "category": "gif"}))
    return out


# One case per category also goes through the three models' preprocessing (PreprocessorGoldenTest): the tensors the
# models see match Pillow's, not just the decoded pixels.
PREPROCESSED = {"junk-before-markers_96x64.jpg", "xmp-attribute6_40x24.png", "grey16-trns_48x32.png",
                "rgb16-be-planar-lzw_40x30.tif", "lab-lzw_40x30.tif", "old-jpeg_48x32.tif", "orientation6_40x24.tif",
                "rle4-delta_12x3.bmp", "no-colour-table_32x20.gif"}


def all_cases(tmp):
    cases = jpeg_cases() + png_cases() + webp_cases() + tiff_cases(tmp) + bmp_cases() + gif_cases()
    return [(name, data, dict(flags, preprocess=True) if name in PREPROCESSED else flags)
            for name, data, flags in cases]
