"""Wrapping model objects as single-purpose modules, exporting them to ONNX, and checking the exported graphs
against the model directory contract (names, types, dynamic batch axis, fixed text length, opset)."""
import contextlib
import io
import warnings

import onnx
import torch
import torch.nn.functional as F
from torch import nn

OPSET = 17
IMAGE_INPUT = "pixel_values"
TEXT_INPUT = "input_ids"
TEXT_MASK_INPUT = "attention_mask"
BATCH_AXIS = "batch_size"


class ClassifierLogits(nn.Module):
    """transformers' ``*ForImageClassification``: pixel_values -> logits."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model(pixel_values=pixel_values).logits


class HfImageEmbeds(nn.Module):
    """transformers' ``CLIPModel.get_image_features``, L2-normalised (the projections themselves are not)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return F.normalize(self.model.get_image_features(pixel_values=pixel_values), dim=-1)


class HfTextEmbeds(nn.Module):
    """transformers' ``CLIPModel.get_text_features`` with its attention mask, L2-normalised."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return F.normalize(self.model.get_text_features(input_ids=input_ids, attention_mask=attention_mask), dim=-1)


class OpenClipImageEmbeds(nn.Module):
    """OpenCLIP's ``encode_image(x, normalize=True)``."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model.encode_image(pixel_values, normalize=True)


class OpenClipTextEmbeds(nn.Module):
    """OpenCLIP's ``encode_text(ids, normalize=True)``: no attention mask, the pooling position is baked in."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model.encode_text(input_ids, normalize=True)


def disable_mha_fastpath():
    """nn.MultiheadAttention's inference fast path exports as aten::_native_multi_head_attention, which no opset
    has; PyTorch 2 can switch it off (older releases do not take it while tracing)."""
    mha = getattr(torch.backends, "mha", None)
    if mha is not None and hasattr(mha, "set_fastpath_enabled"):
        mha.set_fastpath_enabled(False)


def export(module, example_inputs, input_names, output_name, path):
    """Exports ``module`` with a dynamic batch axis on every input and the output, all other axes fixed."""
    module.eval()
    disable_mha_fastpath()
    dynamic = {name: {0: BATCH_AXIS} for name in input_names}
    dynamic[output_name] = {0: BATCH_AXIS}
    with torch.no_grad(), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        width = module(*example_inputs).shape[1]
        torch.onnx.export(module, tuple(example_inputs), str(path), input_names=list(input_names),
                          output_names=[output_name], dynamic_axes=dynamic, opset_version=OPSET,
                          do_constant_folding=True)
    # Tracing loses the output width behind F.normalize's Expand; state it, so readers see [batch, D].
    model = onnx.load(str(path))
    dim = model.graph.output[0].type.tensor_type.shape.dim[1]
    if not dim.dim_value:
        dim.Clear()
        dim.dim_value = int(width)
        onnx.save(model, str(path))
    return path


class GraphContractError(Exception):
    """An exported graph that the service would refuse or misread."""


_ELEM = {onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.INT64: "int64", onnx.TensorProto.INT32: "int32",
         onnx.TensorProto.FLOAT16: "float16"}


def describe(value_info):
    t = value_info.type.tensor_type
    dims = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
    return _ELEM.get(t.elem_type, str(t.elem_type)), dims


def check_graph(path, inputs, output, output_dim=None):
    """Checks an exported graph with onnx.checker and against the contract.

    ``inputs`` maps each input name to (dtype, [fixed dims after the batch axis]); the output must be
    float32 [batch, D] (D == output_dim when given). Returns the output width."""
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=0)
    if opset < OPSET:
        raise GraphContractError(f"{path.name}: opset {opset}, need {OPSET} or newer")
    initializers = {i.name for i in model.graph.initializer}
    graph_inputs = {i.name: i for i in model.graph.input if i.name not in initializers}
    if set(graph_inputs) != set(inputs):
        raise GraphContractError(f"{path.name}: inputs {sorted(graph_inputs)}, expected {sorted(inputs)}")
    for name, (dtype, fixed) in inputs.items():
        got_type, dims = describe(graph_inputs[name])
        if got_type != dtype or len(dims) != 1 + len(fixed) or dims[1:] != list(fixed) or not isinstance(dims[0], str):
            raise GraphContractError(f"{path.name}: input {name} is {got_type}{dims}, expected {dtype}"
                                     f"[{BATCH_AXIS}, {', '.join(map(str, fixed))}]")
    outputs = {o.name: o for o in model.graph.output}
    if list(outputs) != [output]:
        raise GraphContractError(f"{path.name}: outputs {list(outputs)}, expected [{output}]")
    got_type, dims = describe(outputs[output])
    if got_type != "float32" or len(dims) != 2 or not isinstance(dims[0], str):
        raise GraphContractError(f"{path.name}: output {output} is {got_type}{dims}, expected float32[{BATCH_AXIS}, D]")
    if output_dim is not None and dims[1] not in (output_dim, 0, ""):
        raise GraphContractError(f"{path.name}: output {output} has width {dims[1]}, expected {output_dim}")
    return dims[1]
