"""A columnar model schema from a DataFrame (pandas or Spark), a Series, a training
dataset or a list of ``{"name", "type"}`` dicts."""

from __future__ import annotations

from typing import Any

from .column import Column


def _required(entry: Any, key: str) -> Any:
    if not isinstance(entry, dict) or key not in entry:
        raise ValueError(f"Mandatory '{key}' key missing from entry {entry}")
    return entry[key]


class ColumnarSchema:
    """The columns of a model's input or output."""

    def __init__(self, columnar_obj: Any = None) -> None:
        self.columns = self._columns(columnar_obj)

    def _columns(self, source: Any) -> list[Column]:
        import pandas as pd

        if isinstance(source, list):
            return [
                Column(_required(c, "type"), name=c.get("name"), description=c.get("description"))
                for c in source
            ]
        if isinstance(source, pd.DataFrame):
            return [Column(source.dtypes[name], name=name) for name in source.columns]
        if isinstance(source, pd.Series):
            return [Column(source.dtype, name=source.name)]
        if type(source).__name__ == "DataFrame" and hasattr(source, "dtypes"):  # Spark
            return [Column(kind, name=name) for name, kind in source.dtypes]
        features = getattr(source, "schema", None)
        if isinstance(features, list) and all(hasattr(f, "type") for f in features):
            return [Column(f.type, name=f.name) for f in features]  # a training dataset
        raise TypeError(f"{type(source)} is not supported in a columnar schema.")
