"""Column types as kinds of value, so one rule reads the same on pandas, Arrow, DuckDB
and Spark: ``int64``, ``LongType`` and ``bigint`` are all ``int64``; every string type
(``object`` of strings, ``str``, ``string``, ``large_string``, ``StringType``) is
``string``; timestamps of any unit or zone are ``timestamp``.

>>> canonical_type("LongType"), canonical_type("bigint"), canonical_type("int64")
('int64', 'int64', 'int64')
>>> canonical_type("object"), canonical_type("StringType")
('string', 'string')
"""

from __future__ import annotations

from typing import Any

from .errors import BadRule

_NAMES = {
    # numpy / pandas
    **{f"int{b}": f"int{b}" for b in (8, 16, 32, 64)},
    **{f"uint{b}": f"uint{b}" for b in (8, 16, 32, 64)},
    **{f"Int{b}": f"int{b}" for b in (8, 16, 32, 64)},
    **{f"UInt{b}": f"uint{b}" for b in (8, 16, 32, 64)},
    "int": "int64",
    "integer": "int64",
    "float16": "float16",
    "float32": "float32",
    "float64": "float64",
    "Float32": "float32",
    "Float64": "float64",
    "float": "float64",
    "halffloat": "float16",
    "bool": "bool",
    "boolean": "bool",
    "bool_": "bool",
    "str": "string",
    "string": "string",
    "object": "string",
    "object_": "string",
    "O": "string",
    "large_string": "string",
    "utf8": "string",
    "large_utf8": "string",
    "varchar": "string",
    "category": "string",
    "datetime64": "timestamp",
    "datetime64[ns]": "timestamp",
    "datetime64[us]": "timestamp",
    "datetime64[ms]": "timestamp",
    "datetime64[s]": "timestamp",
    "datetime": "timestamp",
    "timestamp": "timestamp",
    "date": "date",
    "date32": "date",
    "date64": "date",
    "decimal": "decimal",
    "binary": "binary",
    "bytes": "binary",
    # Arrow / SQL
    "double": "float64",
    "real": "float32",
    "tinyint": "int8",
    "smallint": "int16",
    "bigint": "int64",
    "long": "int64",
    "short": "int16",
    "byte": "int8",
    # Spark's type classes
    "ByteType": "int8",
    "ShortType": "int16",
    "IntegerType": "int32",
    "LongType": "int64",
    "FloatType": "float32",
    "DoubleType": "float64",
    "DecimalType": "decimal",
    "StringType": "string",
    "VarcharType": "string",
    "CharType": "string",
    "BooleanType": "bool",
    "TimestampType": "timestamp",
    "TimestampNTZType": "timestamp",
    "DateType": "date",
    "BinaryType": "binary",
}
KINDS = sorted(set(_NAMES.values()))


def canonical_type(name: Any, where: str = "type") -> str:
    """The kind of value a type name means; a name it does not know is a ``BadRule``."""
    if not isinstance(name, str):
        raise BadRule(f"{where}: type {name!r:.100}: give a type name such as 'int64'")
    key = name.strip()
    if key in _NAMES:
        return _NAMES[key]
    lowered = key.lower()
    if lowered.startswith(("datetime64", "timestamp")):
        return "timestamp"
    if lowered.startswith("decimal"):
        return "decimal"
    if lowered in _NAMES:
        return _NAMES[lowered]
    raise BadRule(
        f"{where}: unknown type {name!r:.100}: give a numpy/pandas, Arrow or Spark type name "
        f"(kinds: {', '.join(KINDS)})"
    )


def of_arrow(arrow_type: Any) -> str:
    """The kind of an Arrow type."""
    import pyarrow as pa

    t = pa.types
    if pa.types.is_dictionary(arrow_type):
        return of_arrow(arrow_type.value_type)
    if t.is_integer(arrow_type) or t.is_floating(arrow_type) or t.is_boolean(arrow_type):
        return canonical_type(str(arrow_type))
    if t.is_string(arrow_type) or t.is_large_string(arrow_type) or t.is_string_view(arrow_type):
        return "string"
    if t.is_timestamp(arrow_type):
        return "timestamp"
    if t.is_date(arrow_type):
        return "date"
    if t.is_decimal(arrow_type):
        return "decimal"
    if t.is_binary(arrow_type) or t.is_large_binary(arrow_type):
        return "binary"
    return str(arrow_type)  # nested and other types: their own name, matched exactly


def of_pandas(dtype: Any) -> str:
    """The kind of a pandas dtype (``object`` columns are taken as strings)."""
    name = str(dtype)
    try:
        return canonical_type(name)
    except BadRule:
        return name


def of_spark(data_type: Any) -> str:
    """The kind of a Spark ``DataType``."""
    name = type(data_type).__name__
    try:
        return canonical_type(name)
    except BadRule:
        return data_type.simpleString()


def is_numeric(kind: str) -> bool:
    return kind.startswith(("int", "uint", "float")) or kind == "decimal"


def is_temporal(kind: str) -> bool:
    return kind in ("timestamp", "date")
