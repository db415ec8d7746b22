"""What an insert writes, whatever it was given: a pandas DataFrame, or a Spark
DataFrame (``spark_insert``). Each source knows its columns' types before anything is
read (so the schema is checked before any write), checks the primary key, hands its rows
to validation before any write, writes itself as one Delta commit and hands the rows it
wrote to the online store.

>>> source = prepare_input(pd.DataFrame({"id": [1, 2], "x": [0.5, 1.5]}))
>>> source.types
{'id': ('bigint', 'int64'), 'x': ('double', 'float64')}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import BadFeatureInput
from ..types import hive_type, to_arrow
from .sources import ArrowSource, Source, is_spark_frame
from .spark_insert import spark_source
from .spec import normalise_frame

if TYPE_CHECKING:
    from ...settings import Settings


def prepare_input(frame: Any, settings: Settings | None = None) -> Source:
    """The source for ``frame``: pandas as it is; Spark collected through Arrow when its
    plan says it is small, else written by the executors (``spark_insert``)."""
    if isinstance(frame, pd.DataFrame):
        frame = normalise_frame(frame)
        data = to_arrow(frame)
        types = {
            name: (hive_type(data.schema.field(name).type), str(frame[name].dtype))
            for name in frame.columns
        }  # what types.frame_types answers, from the one conversion
        return ArrowSource(data, types, frame)
    if is_spark_frame(frame):
        return spark_source(frame, settings)
    raise BadFeatureInput(
        f"insert a pandas DataFrame or a Spark DataFrame, not a {type(frame).__name__}"
    )
