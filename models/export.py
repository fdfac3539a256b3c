#!/usr/bin/env python3
"""Exports the service's three models into a model directory (nsfw/, clip/, siglip/), verified.

    python export.py --out ../models-out                  # all three, from the pinned hub revisions
    python export.py --out DIR --models siglip            # one model
    python export.py --out DIR --revision clip=<sha>      # another revision
    python export.py --out DIR --stand-in                 # small random models, no hub (what the tests run)

See README.md in this folder for what each step checks and what it writes.
"""
import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ffs_export import exporter, pins  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, type=Path, help="model directory to write (one folder per model)")
    p.add_argument("--models", default="nsfw,clip,siglip", help="comma-separated subset of nsfw, clip, siglip")
    p.add_argument("--revision", action="append", default=[], metavar="MODEL=SHA",
                   help="export another hub revision than the pinned one")
    p.add_argument("--samples", type=Path, default=HERE / "samples", help="folder of sample PNGs")
    p.add_argument("--no-fp16", action="store_true", help="do not write fp16 variants")
    p.add_argument("--stand-in", action="store_true",
                   help="export small randomly initialised stand-ins instead of the hub models (no download)")
    args = p.parse_args(argv)

    kinds = [k.strip() for k in args.models.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in pins.MODELS]
    if unknown:
        p.error(f"unknown model(s) {unknown}; known: {', '.join(pins.MODELS)}")
    revisions = {k: v["revision"] for k, v in pins.MODELS.items()}
    for item in args.revision:
        kind, _, sha = item.partition("=")
        if kind not in pins.MODELS or not sha:
            p.error(f"--revision takes MODEL=SHA with MODEL one of {', '.join(pins.MODELS)}, got {item!r}")
        revisions[kind] = sha

    samples = exporter.load_samples(args.samples)
    if args.stand_in:
        from ffs_export import standin
        sources = {s.kind: (lambda s=s: s) for s in standin.sources()}
        options = exporter.Options(require_onnx_check=False, fp16=not args.no_fp16)
    else:
        from ffs_export import hub
        for line in hub.check_versions():
            print(f"warning: {line}; the verified tolerances assume requirements.txt", file=sys.stderr)
        sources = {k: (lambda k=k: hub.LOADERS[k](revisions[k])) for k in pins.MODELS}
        options = exporter.Options(require_onnx_check=True, fp16=not args.no_fp16)

    args.out.mkdir(parents=True, exist_ok=True)
    for kind in kinds:
        print(f"[{kind}] loading {'stand-in' if args.stand_in else pins.MODELS[kind]['repo'] + '@' + revisions[kind]}")
        try:
            exporter.export_model(sources[kind](), args.out, samples, options)
        except Exception as e:
            print(f"[{kind}] export FAILED: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
