"""What a trial returns, kept small in the catalog.

A train function may return anything: a metric, a file name, a 20 MB string, a list of a
million predictions. The catalog keeps a trial's results in its row and serves them with
every page of trials, so ``cap_results`` caps them. When their JSON is larger than the
limit (64 KB), the full results go to ``<trial logdir>/results.json`` on the project's
store, and the catalog keeps:

- every number, boolean and null, at any depth (numbers rank the trials and are the
  experiment's metrics, so they always stay);
- short values as they are;
- in place of each large value (a long string, a long list), a marker naming the file::

    {"truncated": true, "size": 20971522, "file": "/…/Experiments/<id>/trial_3/results.json",
     "path": "Experiments/<id>/trial_3/results.json", "preview": "first characters…"}

  ``size`` is the value's JSON in bytes, ``file`` the store's URL of the file (what any
  tool reads), ``path`` the same relative to the project root (what the sidebar opens).
  Largest values go first, until the rest fits.

Dicts are never replaced whole: their large members are, so a nested metric stays. Only a
result of thousands of short entries can still be over the limit then; its short
non-number entries are left out and a marker under ``"_truncated"`` counts them.

Values that are not JSON become JSON first (as the executors do): numpy scalars and
arrays their Python values, a non-finite float its name ("nan", "inf"), anything else
its ``str()``.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from typing import Any

from ..store import Store
from ..store.base import StoreError

LIMIT_BYTES = 64 * 1024
RESULTS_FILE = "results.json"
PREVIEW_CHARS = 100
OMITTED_KEY = "_truncated"
_MAX_DEPTH = 64

log = logging.getLogger(__name__)

Path = tuple[str, ...]  # keys from the top of the results to a value


def cap_results(
    store: Store,
    trial_logdir: str,
    results: Mapping[str, Any],
    limit_bytes: int = LIMIT_BYTES,
) -> dict[str, Any]:
    """``results`` as the catalog should keep them: JSON, at most about ``limit_bytes``
    of it; the whole results in ``<trial_logdir>/results.json`` on ``store`` when they
    are larger. ``trial_logdir`` is relative to the store's root (its URL works too)."""
    safe = {str(key): jsonable(value) for key, value in results.items()}
    whole = _dumps(safe)
    total = len(whole.encode())
    if total <= limit_bytes:
        return safe
    path = f"{_relative(store, trial_logdir)}/{RESULTS_FILE}"
    try:
        store.write_text(path, whole)
        file: str | None = store.url(path)
    except StoreError as error:
        log.warning("the results of %s could not be kept in %s: %s", trial_logdir, path, error)
        file = None
    capped: dict[str, Any] = _copy(safe)
    for size, where in sorted(_large_values(safe), key=lambda item: -item[0]):
        if total <= limit_bytes:
            break
        value = _get(capped, where)
        marker = {"truncated": True, "size": size, "file": file, "path": path}
        marker["preview"] = (value if isinstance(value, str) else _dumps(value))[:PREVIEW_CHARS]
        saved = size - len(_dumps(marker).encode())
        if saved > 0:
            _set(capped, where, marker)
            total -= saved
    if total > limit_bytes:
        omitted = _drop_short_values(capped)
        if omitted:
            capped[OMITTED_KEY] = {
                "truncated": True,
                "omitted": omitted,
                "file": file,
                "path": path,
            }
    return capped


def is_marker(value: Any) -> bool:
    """Whether a value in the catalog's results stands for one kept in the results file."""
    return isinstance(value, dict) and value.get("truncated") is True and "path" in value


def jsonable(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON can hold it (see the module's notes)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth >= _MAX_DEPTH:
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(item, depth + 1) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    for convert in ("tolist", "item"):  # numpy arrays and scalars, tensors
        method = getattr(value, convert, None)
        if callable(method):
            try:
                converted = method()
            except Exception:  # any failure: fall back to str()
                continue
            if converted is not value:
                return jsonable(converted, depth + 1)
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _relative(store: Store, logdir: str) -> str:
    root = store.url().rstrip("/")
    return logdir[len(root) + 1 :] if logdir.startswith(root + "/") else logdir


def _copy(value: Any) -> Any:
    """The dicts copied (lists and strings are replaced, never changed in place)."""
    return {k: _copy(v) for k, v in value.items()} if isinstance(value, dict) else value


def _large_values(value: dict[str, Any], where: Path = ()) -> list[tuple[int, Path]]:
    """(JSON size, path) of every value that may be replaced: not a number, boolean,
    null or dict (the dicts' members are candidates instead)."""
    found = []
    for key, item in value.items():
        if isinstance(item, dict):
            found += _large_values(item, (*where, key))
        elif item is not None and not isinstance(item, (bool, int, float)):
            found.append((len(_dumps(item).encode()), (*where, key)))
    return found


def _get(value: dict[str, Any], where: Path) -> Any:
    for key in where:
        value = value[key]
    return value


def _set(value: dict[str, Any], where: Path, item: Any) -> None:
    _get(value, where[:-1])[where[-1]] = item


def _drop_short_values(value: dict[str, Any]) -> int:
    """Leave out every value that is not a number, boolean, null, marker or dict (whose
    members are looked at the same way); how many were left out."""
    dropped = 0
    for key in list(value):
        item = value[key]
        if isinstance(item, dict) and not is_marker(item):
            dropped += _drop_short_values(item)
        elif item is not None and not isinstance(item, (bool, int, float, dict)):
            del value[key]
            dropped += 1
    return dropped


__all__ = ["LIMIT_BYTES", "RESULTS_FILE", "cap_results", "is_marker", "jsonable"]
