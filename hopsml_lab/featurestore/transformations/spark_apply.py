"""Transformation functions applied to a Spark DataFrame on the executors.

Each task turns its Arrow batches into pandas frames with the dtypes the features were
inserted with (as a pandas read gives them) and runs ``engine.apply`` on them, so a row
comes out as the pandas path makes it; nothing is brought to the driver
(``mapInArrow``). The udfs travel as their stored JSON (``engine.to_json``) and are
compiled once per Python worker.

The output schema is known before anything runs: the columns ``engine.apply`` lays out
(surviving inputs, then outputs), inputs keeping their Spark type and outputs taking
the udf's declared return type (a fitted ``one_hot_encoder``: one per category). The
pandas dtypes a read gives back (kept with a materialised dataset) come from running
the transformations on an empty frame of the input's dtypes; where that says nothing
(``object`` from a python-mode udf), from the declared type.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from ..types import restore_dtypes
from . import engine
from .engine import BoundTransform

if TYPE_CHECKING:
    from pyspark.sql import DataFrame
    from pyspark.sql.types import DataType, StructType

_LOADED: dict[str, list[BoundTransform]] = {}  # per Python worker: stored JSON -> udfs


def _bound(stored: str) -> list[BoundTransform]:
    found = _LOADED.get(stored)
    if found is None:
        found = _LOADED[stored] = engine.from_json(json.loads(stored))
    return found


def _spark_type(name: str) -> DataType:
    from pyspark.sql import types as T

    types = {
        "string": T.StringType(),
        "bigint": T.LongType(),
        "int": T.IntegerType(),
        "double": T.DoubleType(),
        "float": T.FloatType(),
        "boolean": T.BooleanType(),
        "timestamp": T.TimestampType(),
        "date": T.DateType(),
    }
    return types[name.strip().lower()]


def arrow_schema(schema: StructType) -> pa.Schema:
    """The Arrow schema Spark exchanges ``schema``'s rows in."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema)


def to_pandas(batch: pa.RecordBatch | pa.Table, dtypes: Mapping[str, str]) -> pd.DataFrame:
    """An Arrow batch as the pandas frame a pandas read gives (the dtypes inserted)."""
    table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
    return restore_dtypes(table.to_pandas(), dict(dtypes))


def pandas_dtypes(schema: StructType, known: Mapping[str, str]) -> dict[str, str]:
    """The pandas dtypes a read gives back for ``schema``'s columns: those ``known``
    (as inserted), else what pandas makes of the Arrow type."""
    natural = arrow_schema(schema).empty_table().to_pandas().dtypes
    return {n: known.get(n) or str(natural[n]) for n in schema.names}


def _declared(bound: list[BoundTransform], fitted: Mapping[str, Any] | None) -> dict[str, str]:
    """Output column -> the Spark type its udf declares."""
    types: dict[str, str] = {}
    for item in bound:
        names = item.outputs(fitted)
        declared = item.udf._return_types
        for i, name in enumerate(names):
            types[name] = declared[i] if i < len(declared) else declared[-1]
    return types


@dataclass(frozen=True)
class Layout:
    """What a transformation pass gives: its Spark schema and the pandas dtypes of its
    columns (as the pandas path's frame has them)."""

    schema: StructType
    dtypes: dict[str, str]


def layout(
    schema: StructType,
    bound: list[BoundTransform],
    fitted: Mapping[str, Any] | None,
    context: dict[str, Any] | None,
    dtypes: Mapping[str, str],
    *,
    extend: BoundTransform | None = None,
) -> Layout:
    """The columns ``apply`` (or, with ``extend``, adding that one transformation's
    outputs) gives for a frame of ``schema``."""
    from pyspark.sql.types import StructField, StructType

    empty = to_pandas(arrow_schema(schema).empty_table(), dtypes)
    declared = _declared([extend] if extend else bound, fitted)
    try:
        if extend is not None:
            out = engine.add_outputs(empty, extend, dict(fitted or {}))
        else:
            out = engine.apply(bound, empty, fitted, context)
        columns, made = list(out.columns), {str(c): str(t) for c, t in out.dtypes.items()}
    except Exception:  # a udf that cannot run on no rows: names from the bindings
        inputs = list(schema.names)
        columns = (
            inputs + [c for c in declared if c not in inputs]
            if extend is not None
            else engine.output_names(bound, inputs, fitted)
        )
        made = {}
    fields = []
    by_name = {f.name: f for f in schema.fields}
    for name in columns:
        if name in declared:
            fields.append(StructField(name, _spark_type(declared[name]), True))
        else:
            fields.append(by_name[name])
    result = StructType(fields)
    natural = pandas_dtypes(result, {n: t for n, t in dtypes.items() if n not in declared})
    kinds = {}
    for name in columns:
        kind = made.get(name)
        kinds[name] = (
            natural[name] if kind is None or (kind == "object" and name in declared) else kind
        )
    return Layout(result, kinds)


@dataclass(frozen=True)
class ArrowTransform:
    """Runs on the executors (``mapInArrow``): each batch through ``engine.apply`` (or,
    with ``extend``, one transformation's outputs added), out in ``schema``."""

    stored: str  # the udfs as engine.to_json stores them
    fitted: dict[str, Any] | None
    context: dict[str, Any] | None
    dtypes: dict[str, str]
    schema: pa.Schema
    extend: int | None = None  # index of the one transformation to add

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        bound = _bound(self.stored)
        for batch in batches:
            if batch.num_rows == 0:
                continue
            frame = to_pandas(batch, self.dtypes)
            if self.extend is None:
                out = engine.apply(bound, frame, self.fitted, self.context)
            else:
                out = engine.add_outputs(frame, bound[self.extend], self.fitted or {})
            yield pa.RecordBatch.from_pandas(out, schema=self.schema, preserve_index=False)


def transformation(
    schema: StructType,
    bound: list[BoundTransform],
    fitted: Mapping[str, Any] | None,
    context: dict[str, Any] | None,
    dtypes: Mapping[str, str],
) -> tuple[ArrowTransform | None, Layout]:
    """What transforms rows of ``schema`` on the executors (None: no transformation),
    and the layout it gives. Columns the transformations do not read (a split label)
    pass through."""
    if not bound:
        return None, Layout(schema, dict(dtypes))
    engine._check_context(context)
    engine._missing_inputs(bound, schema.names, fitted)
    shape = layout(schema, bound, fitted, context, dtypes)
    run = ArrowTransform(
        json.dumps(engine.to_json(bound)),
        None if fitted is None else dict(fitted),
        context,
        dict(dtypes),
        arrow_schema(shape.schema),
    )
    return run, shape


def apply_spark(
    frame: DataFrame,
    bound: list[BoundTransform],
    fitted: Mapping[str, Any] | None,
    context: dict[str, Any] | None,
    dtypes: Mapping[str, str],
) -> tuple[DataFrame, Layout]:
    """``frame`` transformed on the executors (lazily), and its layout."""
    run, shape = transformation(frame.schema, bound, fitted, context, dtypes)
    return (frame if run is None else frame.mapInArrow(run, shape.schema)), shape


def extend_spark(
    frame: DataFrame,
    bound: list[BoundTransform],
    index: int,
    fitted: Mapping[str, Any],
    dtypes: Mapping[str, str],
) -> tuple[DataFrame, Layout]:
    """``frame`` with transformation ``bound[index]``'s outputs added (a chained fit)."""
    shape = layout(frame.schema, bound, fitted, None, dtypes, extend=bound[index])
    run = ArrowTransform(
        json.dumps(engine.to_json(bound)),
        dict(fitted),
        None,
        dict(dtypes),
        arrow_schema(shape.schema),
        extend=index,
    )
    return frame.mapInArrow(run, shape.schema), shape
