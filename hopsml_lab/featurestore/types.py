"""pandas / Arrow dtypes and hsfs' offline (Hive) type names.

The catalog keeps each feature's pandas dtype as inserted, and ``restore_dtypes`` casts a
read frame back to it, so what went in comes out with the same dtypes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from .errors import BadFeatureInput


def hive_type(arrow_type: pa.DataType) -> str:
    """hsfs' offline type name for an Arrow type.

    >>> hive_type(pa.int64()), hive_type(pa.float32()), hive_type(pa.list_(pa.string()))
    ('bigint', 'float', 'array<string>')
    """
    t = pa.types
    if t.is_boolean(arrow_type):
        return "boolean"
    if t.is_int8(arrow_type) or t.is_int16(arrow_type) or t.is_int32(arrow_type):
        return "int"
    if t.is_uint8(arrow_type) or t.is_uint16(arrow_type):
        return "int"
    if t.is_int64(arrow_type) or t.is_uint32(arrow_type):
        return "bigint"
    if t.is_float16(arrow_type) or t.is_float32(arrow_type):
        return "float"
    if t.is_float64(arrow_type):
        return "double"
    if t.is_string(arrow_type) or t.is_large_string(arrow_type):
        return "string"
    if t.is_dictionary(arrow_type):
        return hive_type(arrow_type.value_type)
    if t.is_timestamp(arrow_type):
        return "timestamp"
    if t.is_date(arrow_type):
        return "date"
    if t.is_binary(arrow_type) or t.is_large_binary(arrow_type):
        return "binary"
    if t.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if t.is_list(arrow_type) or t.is_large_list(arrow_type):
        return f"array<{hive_type(arrow_type.value_type)}>"
    if t.is_struct(arrow_type):
        fields = ",".join(f"{f.name}:{hive_type(f.type)}" for f in arrow_type)
        return f"struct<{fields}>"
    if t.is_map(arrow_type):
        return f"map<{hive_type(arrow_type.key_type)},{hive_type(arrow_type.item_type)}>"
    raise BadFeatureInput(
        f"Arrow type {arrow_type} has no feature store type: convert the column to a "
        "number, boolean, string, timestamp, date, binary, decimal, list or struct"
    )


def _storable(arrow_type: pa.DataType) -> pa.DataType:
    """The type the Delta table stores: dictionaries decoded, timestamps in µs, naive."""
    if pa.types.is_dictionary(arrow_type):
        return _storable(arrow_type.value_type)
    if pa.types.is_timestamp(arrow_type):
        return pa.timestamp("us")
    if pa.types.is_uint32(arrow_type):
        return pa.int64()
    if pa.types.is_uint8(arrow_type) or pa.types.is_uint16(arrow_type):
        return pa.int32()
    return arrow_type


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """The frame as the Arrow table a feature group stores."""
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise BadFeatureInput(
            f"cannot store the frame: {error}. Give each column one type "
            "(e.g. df[col] = df[col].astype(str))"
        ) from None
    schema = pa.schema([pa.field(f.name, _storable(f.type)) for f in table.schema])
    return table.cast(schema)


def frame_types(frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """``{column: (hsfs type, pandas dtype)}`` of a frame, in column order."""
    table = to_arrow(frame)
    return {
        name: (hive_type(table.schema.field(name).type), str(frame[name].dtype))
        for name in frame.columns
    }


def restore_dtypes(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """Cast each column of a read frame back to the pandas dtype it was inserted with."""
    for name, dtype in dtypes.items():
        if name in frame.columns and str(frame[name].dtype) != dtype:
            frame[name] = _cast(frame[name], dtype)
    return frame


def _cast(series: pd.Series, dtype: str) -> Any:
    try:
        return series.astype(dtype)
    except (TypeError, ValueError):  # e.g. a nullable int read back as float: keep it
        return series
