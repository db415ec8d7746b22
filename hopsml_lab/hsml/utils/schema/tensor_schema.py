"""A tensor model schema from a numpy array or a list of ``{"type", "shape"}`` dicts."""

from __future__ import annotations

from typing import Any

from .tensor import Tensor


def _tensor(entry: dict[str, Any]) -> Tensor:
    for key in ("type", "shape"):
        if key not in entry:
            raise ValueError(f"Mandatory '{key}' key missing from entry {entry}")
    return Tensor(
        entry["type"], entry["shape"], name=entry.get("name"), description=entry.get("description")
    )


class TensorSchema:
    """The tensors of a model's input or output (one for an array)."""

    def __init__(self, tensor_obj: Any = None) -> None:
        import numpy as np

        if isinstance(tensor_obj, list):
            self.tensors: Tensor | list[Tensor] = [_tensor(t) for t in tensor_obj]
        elif isinstance(tensor_obj, np.ndarray):
            self.tensors = Tensor(tensor_obj.dtype, tensor_obj.shape)
        else:
            raise TypeError(f"{type(tensor_obj)} is not supported in a tensor schema.")
