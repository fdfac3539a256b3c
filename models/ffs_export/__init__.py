"""Export of the three models into the service's model directory layout, with verification.

The hub-specific loading lives in ``hub`` alone; everything else (graph wrapping, ONNX export and checks, config,
tokenizer and reference writing, fp16 gate, manifest) works on plain torch modules and callables, so it runs with
the randomly initialised stand-ins of ``standin`` as well as with the real models.
"""

EXPORTER_VERSION = "1"
