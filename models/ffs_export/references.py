"""reference_outputs.json: the PyTorch pipeline's outputs (library preprocessing and tokenizer, PyTorch model) for
the sample images and texts. The service runs its own pipeline on the same inputs at start-up and compares."""
import base64
import json

REFERENCES = "reference_outputs.json"
FORMAT = "ffs-validator.reference-outputs/1"


def write(path, model_id, produced_by, image_output, images, text_output=None, texts=None):
    """``images``: [(name, png_bytes, output_row)]; ``texts``: [(text, output_row)]."""
    doc = {
        "format": FORMAT,
        "model": model_id,
        "produced_by": produced_by,
        "image_output": image_output,
        "images": [{"name": name, "png_base64": base64.b64encode(png).decode("ascii"),
                    "output": [float(v) for v in row]} for name, png, row in images],
    }
    if texts:
        doc["text_output"] = text_output
        doc["texts"] = [{"text": text, "output": [float(v) for v in row]} for text, row in texts]
    # repr-exact floats: the service compares against the numbers PyTorch produced, not rounded ones.
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return doc
