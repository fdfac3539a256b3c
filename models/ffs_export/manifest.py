"""manifest.json: the sha256 and size of every file in a model folder, and where the model came from. The service
verifies it at load and refuses a folder whose files differ."""
import hashlib
import json
from pathlib import Path

MANIFEST = "manifest.json"
FORMAT = "ffs-validator.manifest/1"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write(folder, source):
    """Writes ``folder/manifest.json`` covering every other file in ``folder`` (not recursive); ``source`` says
    where the model came from (model id, revision, libraries)."""
    folder = Path(folder)
    files = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST):
        files[path.name] = {"sha256": sha256(path), "bytes": path.stat().st_size}
    manifest = {"format": FORMAT, "source": source, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def verify(folder):
    """The files of ``folder`` that differ from its manifest, as readable lines (empty when all match)."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    problems = []
    for name, entry in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"{name}: sha256 differs")
    return problems
