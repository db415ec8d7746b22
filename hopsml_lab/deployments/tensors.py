"""Request bodies to named arrays and arrays back to response bodies, for the two
protocols a model server speaks: TensorFlow Serving's REST API (row ``instances`` or
columnar ``inputs``) and the Open Inference Protocol V2 (JSON tensors). Every problem a
client can cause is a :class:`BadRequest` saying what to send instead.

>>> spec = [TensorSpec("x", "float32", (None, 2))]
>>> parse_tf_request({"instances": [[1, 2]]}, spec)[0]["x"].shape
(1, 2)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import BadInput, clip

# V2 datatypes <-> numpy (the V2 protocol's table) and TensorFlow's DT_ names.
V2_TYPES = {
    "BOOL": "bool",
    "UINT8": "uint8",
    "UINT16": "uint16",
    "UINT32": "uint32",
    "UINT64": "uint64",
    "INT8": "int8",
    "INT16": "int16",
    "INT32": "int32",
    "INT64": "int64",
    "FP16": "float16",
    "FP32": "float32",
    "FP64": "float64",
    "BYTES": "object",
}
NUMPY_TO_V2 = {v: k for k, v in V2_TYPES.items()}
TF_TYPES = {
    "bool": "DT_BOOL",
    "int32": "DT_INT32",
    "int64": "DT_INT64",
    "float16": "DT_HALF",
    "float32": "DT_FLOAT",
    "float64": "DT_DOUBLE",
    "object": "DT_STRING",
}


class BadRequest(BadInput):
    """An inference request the model cannot answer; the message says what to send."""


@dataclass(frozen=True)
class TensorSpec:
    """One input or output of a model: name, numpy dtype name, shape (None: any size)."""

    name: str
    dtype: str
    shape: tuple[int | None, ...]

    def v2(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "datatype": NUMPY_TO_V2.get(self.dtype, "BYTES"),
            "shape": [-1 if d is None else d for d in self.shape],
        }

    def tf(self) -> dict[str, Any]:
        dims = [{"size": str(-1 if d is None else d)} for d in self.shape]
        return {
            "dtype": TF_TYPES.get(self.dtype, "DT_INVALID"),
            "tensor_shape": {"dim": dims},
            "name": self.name,
        }


def as_array(value: Any, spec: TensorSpec | None, what: str) -> np.ndarray:
    """``value`` as an array of ``spec``'s type and shape, or a BadRequest."""
    try:
        array = np.asarray(value, dtype=None if spec is None else spec.dtype)
    except (TypeError, ValueError) as error:
        if "inhomogeneous" in str(error):
            raise BadRequest(f"{what}: rows of unequal length; send a rectangular list") from None
        expected = f"numbers of type {spec.dtype}" if spec else "a rectangular list"
        raise BadRequest(f"{what}: cannot read it as {expected} ({clip(error)})") from None
    if array.dtype == object and (spec is None or spec.dtype != "object"):
        raise BadRequest(f"{what}: rows of unequal length; send a rectangular list")
    if spec is not None:
        check_shape(array.shape, spec, what)
    return array


def check_shape(shape: tuple[int, ...], spec: TensorSpec, what: str) -> None:
    wanted = spec.shape
    if len(shape) != len(wanted) or any(
        w is not None and w != s for w, s in zip(wanted, shape, strict=True)
    ):
        shown = [-1 if d is None else d for d in wanted]
        raise BadRequest(
            f"{what}: shape {list(shape)} does not fit input {spec.name!r} of shape {shown} "
            "(-1: any size; the first dimension is the batch)"
        )


def _named(
    value: Mapping[str, Any], specs: Sequence[TensorSpec], what: str
) -> dict[str, np.ndarray]:
    by_name = {s.name: s for s in specs}
    unknown = sorted(set(value) - set(by_name))
    missing = sorted(set(by_name) - set(value))
    if unknown or missing:
        raise BadRequest(
            f"{what}: the model's inputs are {sorted(by_name)}; "
            + (f"unknown {unknown}" if unknown else f"missing {missing}")
        )
    return {name: as_array(value[name], by_name[name], f"{what} {name!r}") for name in value}


def parse_tf_request(body: Any, specs: Sequence[TensorSpec]) -> tuple[dict[str, np.ndarray], bool]:
    """TF Serving's predict body as named batch arrays, and whether it was row form."""
    if not isinstance(body, dict) or ("instances" in body) == ("inputs" in body):
        raise BadRequest(
            'send a JSON object with either "instances" (a list of rows) or "inputs" '
            "(columns), as TensorFlow Serving's REST API takes"
        )
    rows = "instances" in body
    value = body["instances"] if rows else body["inputs"]
    if rows:
        if not isinstance(value, list) or not value:
            raise BadRequest('"instances" must be a non-empty list, one entry per row')
        if all(isinstance(row, dict) for row in value):
            names = set(value[0])
            if any(set(row) != names for row in value):
                raise BadRequest('every row of "instances" must name the same inputs')
            value = {name: [row[name] for row in value] for name in names}
    if isinstance(value, dict):
        return _named(value, specs, '"instances"' if rows else '"inputs"'), rows
    if len(specs) != 1:
        raise BadRequest(
            f"the model has {len(specs)} inputs {[s.name for s in specs]}: name them "
            '(rows as objects in "instances", or an object in "inputs")'
        )
    what = '"instances"' if rows else '"inputs"'
    return {specs[0].name: as_array(value, specs[0], what)}, rows


def tf_response(outputs: Mapping[str, np.ndarray], rows: bool) -> dict[str, Any]:
    """``{"predictions": [...]}`` (one entry per row) or ``{"outputs": ...}``."""
    lists = {name: np.asarray(a).tolist() for name, a in outputs.items()}
    if not rows:
        return {"outputs": next(iter(lists.values())) if len(lists) == 1 else lists}
    if len(lists) == 1:
        return {"predictions": next(iter(lists.values()))}
    count = len(next(iter(lists.values())))
    return {"predictions": [{n: v[i] for n, v in lists.items()} for i in range(count)]}


def parse_v2_request(
    body: Any, specs: Sequence[TensorSpec] | None
) -> tuple[dict[str, np.ndarray], list[str] | None]:
    """A V2 ``/infer`` body as named arrays, and the output names asked for (None: all)."""
    if not isinstance(body, dict) or not isinstance(body.get("inputs"), list) or not body["inputs"]:
        raise BadRequest(
            'send {"inputs": [{"name", "shape", "datatype", "data"}, ...]} (Open Inference '
            "Protocol V2)"
        )
    by_name = {s.name: s for s in specs} if specs is not None else None
    arrays: dict[str, np.ndarray] = {}
    for n, tensor in enumerate(body["inputs"]):
        arrays.update([_v2_tensor(tensor, n, by_name)])
    if by_name is not None and set(arrays) != set(by_name):
        raise BadRequest(f"the model's inputs are {sorted(by_name)}; got {sorted(arrays)}")
    wanted = body.get("outputs")
    names = None
    if wanted is not None:
        if not isinstance(wanted, list) or not all(
            isinstance(o, dict) and isinstance(o.get("name"), str) for o in wanted
        ):
            raise BadRequest('"outputs" must be a list of {"name": ...}')
        names = [o["name"] for o in wanted]
    return arrays, names


def _v2_tensor(
    tensor: Any, n: int, by_name: Mapping[str, TensorSpec] | None
) -> tuple[str, np.ndarray]:
    what = f"inputs[{n}]"
    if not isinstance(tensor, dict):
        raise BadRequest(f"{what}: send an object with name, shape, datatype and data")
    name, shape, kind = tensor.get("name"), tensor.get("shape"), tensor.get("datatype")
    if not isinstance(name, str) or "data" not in tensor:
        raise BadRequest(f"{what}: name (a string) and data are required")
    if not isinstance(shape, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
    ):
        raise BadRequest(f"{what}: shape must be a list of whole numbers, e.g. [1, 8]")
    if kind not in V2_TYPES:
        raise BadRequest(f"{what}: datatype {clip(kind)!r} is not one of {sorted(V2_TYPES)}")
    if by_name is not None and name not in by_name:
        raise BadRequest(
            f"{what}: the model has no input {clip(name)!r}; its inputs are {sorted(by_name)}"
        )
    array = as_array(tensor["data"], None, what)
    if array.size != math.prod(shape):
        raise BadRequest(
            f"{what}: {array.size} values do not fill shape {shape} ({math.prod(shape)})"
        )
    try:
        array = array.reshape(shape).astype(V2_TYPES[kind])
    except (TypeError, ValueError) as error:
        raise BadRequest(f"{what}: data is not {kind} ({clip(error)})") from None
    spec = by_name.get(name) if by_name is not None else None
    if spec is not None:
        array = as_array(array, spec, what)
    return name, array


def v2_outputs(outputs: Mapping[str, np.ndarray], names: list[str] | None) -> list[dict]:
    """V2 response tensors (flat data with shape and datatype)."""
    if names is not None:
        unknown = sorted(set(names) - set(outputs))
        if unknown:
            raise BadRequest(f"no outputs {unknown}; the model's outputs are {sorted(outputs)}")
        outputs = {n: outputs[n] for n in names}
    tensors = []
    for name, value in outputs.items():
        array = np.asarray(value)
        kind = NUMPY_TO_V2.get(array.dtype.name, "BYTES")
        data = array.astype(str) if kind == "BYTES" else array
        tensors.append(
            {
                "name": name,
                "shape": list(array.shape),
                "datatype": kind,
                "data": data.ravel().tolist(),
            }
        )
    return tensors
