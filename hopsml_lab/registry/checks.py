"""What a model version may carry: its name, metrics and input example, checked once
for every API (hops' ``model.export`` and hsml's ``create_model().save()``)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from typing import Any

from .errors import ModelExportError

MAX_NAME = 200


def checked_name(name: object) -> str:
    """A model name usable as a folder: not empty, no '/', not '.' or '..'."""
    text = str(name)
    if not text or "/" in text or text in (".", "..") or len(text) > MAX_NAME:
        raise ModelExportError(
            f"model name {text[:MAX_NAME]!r}: use a name without '/' of at most {MAX_NAME} "
            "characters"
        )
    return text


def checked_metrics(
    metrics: Mapping[str, Any] | None, numbers_in_text: bool = False
) -> dict[str, float]:
    """Metric names and finite numbers; ``numbers_in_text`` also takes ``"0.9"`` (hsml
    does: it only asks that ``float(value)`` works)."""
    if metrics is not None and not isinstance(metrics, Mapping):
        raise ModelExportError(
            f"metrics is a {type(metrics).__name__}: give a dict of metric name to number, "
            "e.g. {'accuracy': 0.91}"
        )
    checked: dict[str, float] = {}
    for key, value in (metrics or {}).items():
        if not isinstance(key, str):
            raise ModelExportError(f"metric names are strings, not {key!r}")
        if numbers_in_text and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ModelExportError(
                f"metric {key!r} is {value!r}: metrics are numbers; only numbers can be "
                "attached as metadata for models"
            )
        if not math.isfinite(value):
            raise ModelExportError(f"metric {key!r} is {value}: give a finite number")
        checked[key] = float(value)
    return checked


def input_example_json(example: Any) -> Any:
    """One input as JSON-ready values, the way hsml saves ``input_example.json``: a
    DataFrame's first row, a Series or list as a list, an array as nested lists, a dict
    as is."""
    if example is None:
        return None
    import numpy as np

    if isinstance(example, np.ndarray):
        if example.size == 0:
            raise ModelExportError("input_example is an empty array: give one input row")
        return _plain(example.tolist())
    if isinstance(example, dict):
        return _plain(example)
    import pandas as pd

    if isinstance(example, pd.DataFrame):
        if example.empty:
            raise ModelExportError("input_example is an empty DataFrame: give one input row")
        return _plain(example.iloc[0].tolist())
    if isinstance(example, pd.Series | list):
        if len(example) == 0:
            raise ModelExportError("input_example is empty: give one input row")
        return _plain(list(example.tolist() if isinstance(example, pd.Series) else example))
    raise ModelExportError(
        f"input_example is a {type(example).__name__}: give a pandas DataFrame or Series, "
        "a numpy array, a list or a dict"
    )


def _plain(value: Any) -> Any:
    """Numpy scalars, timestamps and bytes as JSON values; anything else must be JSON."""
    import base64
    import datetime as dt

    import numpy as np

    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return base64.encodebytes(bytes(value)).decode("ascii")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ModelExportError(
        f"input_example holds a {type(value).__name__} ({value!r:.60}): use numbers, "
        "strings, dates or lists of them"
    )
