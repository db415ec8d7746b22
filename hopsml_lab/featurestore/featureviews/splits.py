"""Training data splits as hsfs 5.2.1 makes them.

* Random: ``test_size`` (and ``validation_size``) give the fractions; train gets the rest.
  Each split gets ``int(rows * fraction)`` rows, the last split the remainder, and the
  split labels are shuffled with ``random.Random(seed)`` (hsfs' python engine). Rows are
  first put in an order fixed by their content, so the same rows and the same seed give
  the same split whatever order the engine read them in. On Spark (``spark_splits``)
  each row's split comes from a seeded hash of its values instead, so no row needs to
  be counted or ordered: sizes are close to the fractions, not exact.
* Time: bounds on the left feature group's event time, half-open ``[start, end)``;
  missing bounds are chained from the neighbouring split (``train_end or
  validation_start or test_start`` …); the train split starts at 1000 ms and the test
  split ends now when not given (hsfs' ``_set_event_time``). Time splits win over sizes.
"""

from __future__ import annotations

import math
import random
import time
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from ...catalog import SplitSpec
from ..times import to_epoch_ms
from .view_errors import BadSplit

TRAIN, VALIDATION, TEST = "train", "validation", "test"
RANDOM_SPLIT, TIME_SERIES_SPLIT = "RANDOM_SPLIT", "TIME_SERIES_SPLIT"
TimeInput = str | int | datetime | date | None


def check_train_test(test_size: float | None, train_end: TimeInput, test_start: TimeInput) -> None:
    """hsfs' ``_validate_train_test_split``."""
    if not ((test_size and 0 < test_size < 1) or (train_end or test_start)):
        raise BadSplit(
            "Invalid split input. You should specify either `test_size` or (`train_end` or "
            "`test_start`). `test_size` should be between 0 and 1 if specified "
            f"(got {test_size!r})."
        )


def check_train_validation_test(
    validation_size: float | None,
    test_size: float | None,
    train_end: TimeInput,
    validation_start: TimeInput,
    validation_end: TimeInput,
    test_start: TimeInput,
) -> None:
    """hsfs' ``_validate_train_validation_test_split``."""
    sizes = bool(
        validation_size
        and 0 < validation_size < 1
        and test_size
        and 0 < test_size < 1
        and validation_size + test_size < 1
    )
    times = bool((train_end or validation_start) and (validation_end or test_start))
    if not (sizes or times):
        raise BadSplit(
            "Invalid split input. You should specify either (`validation_size` and `test_size`) "
            "or ((`train_end` or `validation_start`) and (`validation_end` or `test_start`)). "
            "`validation_size`, `test_size` and their sum should be between 0 and 1 if "
            f"specified (got {validation_size!r} and {test_size!r})."
        )


def make_splits(
    count: int,
    *,
    validation_size: float | None = None,
    test_size: float | None = None,
    train_start: TimeInput = None,
    train_end: TimeInput = None,
    validation_start: TimeInput = None,
    validation_end: TimeInput = None,
    test_start: TimeInput = None,
    test_end: TimeInput = None,
) -> list[SplitSpec]:
    """The splits of a ``count``-way (2 or 3) split, as hsfs' ``TrainingDataset`` sets
    them up: time splits if any bound is given, else random splits by size."""
    ms = {
        k: to_epoch_ms(v)
        for k, v in {
            "ts": train_start,
            "te": train_end,
            "vs": validation_start,
            "ve": validation_end,
            "xs": test_start,
            "xe": test_end,
        }.items()
    }
    bounds = [(TRAIN, ms["ts"], ms["te"] or ms["vs"] or ms["xs"])]
    if count == 3:
        bounds.append((VALIDATION, ms["vs"] or ms["te"], ms["ve"] or ms["xs"]))
    bounds.append((TEST, ms["xs"] or ms["ve"] or ms["te"], ms["xe"]))
    timed = [
        SplitSpec(name=n, split_type=TIME_SERIES_SPLIT, start_time=s, end_time=e)
        for n, s, e in bounds
        if s or e
    ]
    if timed:
        return timed
    if not (validation_size or test_size):
        return []
    sizes = {
        TRAIN: 1 - (validation_size or 0) - (test_size or 0),
        VALIDATION: validation_size,
        TEST: test_size,
    }
    return [
        SplitSpec(name=n, split_type=RANDOM_SPLIT, percentage=p)
        for n, p in sizes.items()
        if p is not None
    ]


def settle_times(splits: list[SplitSpec], event_time: str | None) -> list[SplitSpec]:
    """Open time bounds closed as hsfs closes them: train from 1000 ms, test until now.
    A time split on a view whose left feature group has no event time is refused."""
    if not any(s.split_type == TIME_SERIES_SPLIT for s in splits):
        return splits
    if event_time is None:
        raise BadSplit(
            "Cannot generate dataset(s) from the given start/end time because event time "
            "column is not available in the left feature groups: split by size "
            "(test_size=...) or give the left feature group an event_time"
        )
    now = int(time.time() * 1000)
    settled = []
    for split in splits:
        update: dict[str, Any] = {}
        if split.name == TRAIN and not split.start_time:
            update["start_time"] = 1000
        if split.name == TEST and not split.end_time:
            update["end_time"] = now
        settled.append(split.model_copy(update=update))
    missing = [s.name for s in settled if s.start_time is None or s.end_time is None]
    if missing:
        raise BadSplit(
            f"the time bounds leave split(s) {missing} open: give its start and end "
            "(e.g. validation_start and validation_end)"
        )
    return settled


def epoch_ms(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column of event times (timestamps, dates or epoch ms) as epoch milliseconds,
    and which of them are missing."""
    if pd.api.types.is_integer_dtype(values.dtype):
        missing = values.isna().to_numpy()
        return values.fillna(0).astype("int64").to_numpy(), missing
    times = pd.to_datetime(values)
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    missing = times.isna().to_numpy()
    ms = times.fillna(pd.Timestamp(0)).to_numpy(dtype="datetime64[ms]").astype("int64")
    return ms, missing


def _content_order(frame: pd.DataFrame) -> np.ndarray:
    """Row positions in an order fixed by the rows' values (not by read order)."""
    try:
        hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    except TypeError:  # lists or other unhashable values: hash their text
        hashes = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return np.argsort(hashes, kind="stable")


def split_sizes(splits: list[SplitSpec]) -> list[float]:
    """The fractions of random splits, checked: each in [0, 1], adding up to 1."""
    percentages = [s.percentage or 0.0 for s in splits]
    if not math.isclose(sum(percentages), 1) or any(p < 0 or p > 1 for p in percentages):
        raise BadSplit(
            f"split sizes {percentages} must each be in (0, 1) and add up to 1: give "
            "test_size (and validation_size) between 0 and 1 with a sum below 1"
        )
    return percentages


def random_split(
    frame: pd.DataFrame, splits: list[SplitSpec], seed: int | None
) -> dict[str, pd.DataFrame]:
    percentages = split_sizes(splits)
    size = len(frame)
    groups: list[int] = []
    for i, p in enumerate(percentages):
        groups += [i] * int(size * p)
    groups += [len(splits) - 1] * (size - len(groups))
    random.Random(seed).shuffle(groups)
    labels = np.empty(size, dtype=np.int64)
    labels[_content_order(frame)] = groups
    return {s.name: frame[labels == i] for i, s in enumerate(splits)}


def time_split(
    frame: pd.DataFrame, splits: list[SplitSpec], time_column: str
) -> dict[str, pd.DataFrame]:
    ms, missing = epoch_ms(frame[time_column])
    result = {}
    for split in splits:
        keep = (split.start_time <= ms) & (ms < split.end_time) & ~missing
        result[split.name] = frame[keep]
    return result


def split_frame(
    frame: pd.DataFrame, splits: list[SplitSpec], seed: int | None, time_column: str | None
) -> dict[str, pd.DataFrame]:
    """``frame`` cut into ``splits`` (by ``time_column`` for time splits)."""
    if splits[0].split_type == TIME_SERIES_SPLIT:
        assert time_column is not None
        return time_split(frame, splits, time_column)
    return random_split(frame, splits, seed)
