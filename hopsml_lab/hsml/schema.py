"""hsml's ``Schema``: a model input or output described by columns or by tensors.

>>> Schema(pd.DataFrame({"age": [31]})).to_dict()                   # doctest: +SKIP
{'columnar_schema': [{'name': 'age', 'type': 'int64'}]}
"""

from __future__ import annotations

import json
from typing import Any

from .utils.schema.columnar_schema import ColumnarSchema
from .utils.schema.tensor_schema import TensorSchema


def _as_json(value: Any) -> Any:
    return getattr(value, "__dict__", value)


class Schema:
    """Create a schema for a model input or output: a numpy array or a list of dicts
    with a ``shape`` makes a tensor schema; a DataFrame (pandas or Spark), a Series, a
    training dataset or a list of ``{"name", "type"}`` dicts a columnar one."""

    def __init__(self, object: Any = None, **kwargs: Any) -> None:
        import numpy as np

        tensors = isinstance(object, np.ndarray) or (
            isinstance(object, list) and all("shape" in entry for entry in object)
        )
        if tensors:
            self.tensor_schema = TensorSchema(object).tensors
        else:
            self.columnar_schema = ColumnarSchema(object).columns

    def _get_type(self) -> str | None:
        if hasattr(self, "tensor_schema"):
            return "tensor"
        if hasattr(self, "columnar_schema"):
            return "columnar"
        return None

    def json(self) -> str:
        return json.dumps(self, default=_as_json, sort_keys=True, indent=2)

    def to_dict(self) -> dict[str, Any]:
        """Get dict representation of the Schema."""
        return json.loads(self.json())

    def __repr__(self) -> str:
        return f"Schema(type: {self._get_type()!r})"
