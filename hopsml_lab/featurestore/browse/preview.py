"""The first rows of a feature group commit as JSON a browser can show: times as ISO
text, NaN and infinities as null, bytes described (never dumped), long text, lists and
integers beyond JavaScript's exact range made safe to send.

>>> import pyarrow as pa, datetime as dt
>>> table = pa.table({"t": [dt.datetime(2024, 6, 10, 6, 13)], "x": [float("nan")],
...                   "b": [b"\\x00\\x01"]})
>>> preview_rows(table)
[['2024-06-10T06:13:00', None, '<2 bytes>']]
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any

import pyarrow as pa

MAX_PREVIEW_ROWS = 100
"""The most rows one preview answers."""

MAX_TEXT = 500
"""Characters of one text value a preview shows (then ``…``)."""

MAX_ITEMS = 20
"""Items of one list, map or struct value a preview shows."""

_SAFE_INTEGER = 2**53 - 1  # beyond it a JavaScript number is no longer exact

__all__ = ["MAX_PREVIEW_ROWS", "json_safe", "preview_rows"]


def _text(value: str) -> str:
    return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "…"


def json_safe(value: Any) -> Any:
    """``value`` (as Arrow's ``to_pylist`` gives it) as JSON that reads the same in a
    browser."""
    if value is None or isinstance(value, (bool, str)):
        return _text(value) if isinstance(value, str) else value
    if isinstance(value, int):
        return value if abs(value) <= _SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value):,} bytes>"
    if isinstance(value, dict):
        items = list(value.items())
        shown = {str(k): json_safe(v) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            shown["…"] = f"{len(items) - MAX_ITEMS} more"
        return shown
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(p, tuple) and len(p) == 2 for p in value):
            return json_safe(dict(value))  # an Arrow map: [(key, value), ...]
        shown = [json_safe(v) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            shown.append(f"… {len(value) - MAX_ITEMS} more")
        return shown
    return _text(str(value))


def preview_rows(table: pa.Table) -> list[list[Any]]:
    """Every row of ``table`` as a list of JSON-safe values, in column order."""
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [[json_safe(column[r]) for column in columns] for r in range(table.num_rows)]
