"""Which evaluator validates (and profiles) ``data``: one place for every entry point.
The engines are imported only when their kind of data comes (no pyspark for pandas)."""

from __future__ import annotations

from typing import Any


def source(data: Any) -> Any:
    """The evaluator for ``data``: Spark for a Spark DataFrame, DuckDB in process for
    pandas, Arrow and DuckDB relations."""
    from .spark import SparkSource, is_spark

    if is_spark(data):
        return SparkSource(data)
    from .duck import DuckSource

    return DuckSource(data)
