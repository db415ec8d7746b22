"""A materialised training dataset's files: one folder per split (``train/``, ``test/``
…, or the dataset's name without splits), each holding ``part-00000.<format>``.

Formats: ``parquet``, ``csv``, ``tsv`` and ``tfrecord`` (``tfrecords`` too). TFRecord
files hold one ``tf.train.Example`` per row: integers and booleans as ``int64_list``,
floats as ``float_list``, strings as ``bytes_list`` and timestamps as ``int64_list`` of
epoch milliseconds; a missing value is a missing feature. The pandas dtypes written are
kept with the dataset, so text formats read back with the same types.

Writing is all or nothing: every split goes into a hidden temporary folder next to the
target, which is renamed into place only once all files are complete.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import BadFeatureInput
from .view_errors import TrainingDataUnreadable

FORMATS = {"parquet": "parquet", "csv": "csv", "tsv": "tsv", "tfrecord": "tfrecord"}
FORMATS["tfrecords"] = "tfrecord"
PART = "part-00000"


def normal_format(data_format: str | None) -> str:
    """The file format a ``data_format`` names; others are refused."""
    fmt = FORMATS.get(str(data_format or "").lower())
    if fmt is None:
        raise BadFeatureInput(
            f"data_format {data_format!r} is not offered here: use 'parquet', 'csv', 'tsv' "
            "or 'tfrecord'"
        )
    return fmt


def write_dataset(target: Path, frames: dict[str, pd.DataFrame], data_format: str) -> None:
    """Write each ``{folder: frame}`` under ``target`` at once: into a temporary folder,
    renamed to ``target`` when complete (a leftover folder ``target`` is replaced)."""
    fmt = normal_format(data_format)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        for folder, frame in frames.items():
            (staging / folder).mkdir(parents=True)
            _WRITERS[fmt](frame, staging / folder / f"{PART}.{fmt}")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_folder(folder: Path, data_format: str, dtypes: dict[str, str]) -> pd.DataFrame:
    """The rows of one split folder, with the dtypes written."""
    fmt = normal_format(data_format)
    files = sorted(folder.glob(f"*.{fmt}"))
    if not files:
        raise TrainingDataUnreadable(
            f"Failed to read dataset from {folder}: no {fmt} files there (purged or "
            "deleted?). Check if path exists or recreate a training dataset."
        )
    frame = pd.concat([_READERS[fmt](f, dtypes) for f in files], ignore_index=True)
    return _restore(frame, dtypes)


def dtypes_of(frame: pd.DataFrame) -> dict[str, str]:
    return {str(c): str(t) for c, t in frame.dtypes.items()}


def _restore(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    for name, dtype in dtypes.items():
        if name not in frame.columns or str(frame[name].dtype) == dtype:
            continue
        try:
            if dtype.startswith("datetime64"):
                frame[name] = pd.to_datetime(frame[name]).astype(dtype)
            else:
                frame[name] = frame[name].astype(dtype)
        except (TypeError, ValueError):
            pass  # e.g. a nullable int read back as float: keep it
    return frame[[c for c in dtypes if c in frame.columns]]


# -- formats ------------------------------------------------------------------------


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def _read_parquet(path: Path, dtypes: dict[str, str]) -> pd.DataFrame:
    return pq.read_table(path).to_pandas()


def _text_writer(sep: str) -> Callable[[pd.DataFrame, Path], None]:
    def write(frame: pd.DataFrame, path: Path) -> None:
        frame.to_csv(path, index=False, sep=sep)

    return write


def _text_reader(sep: str) -> Callable[[Path, dict[str, str]], pd.DataFrame]:
    def read(path: Path, dtypes: dict[str, str]) -> pd.DataFrame:
        text = {n for n, t in dtypes.items() if t in ("object", "str", "string")}
        return pd.read_csv(path, sep=sep, dtype={n: "str" for n in text}, keep_default_na=True)

    return read


def _example(row: dict[str, Any], kinds: dict[str, str]) -> Any:
    import tensorflow as tf

    features = {}
    for name, value in row.items():
        if value is None or (isinstance(value, float) and np.isnan(value) and kinds[name] != "f"):
            continue
        if value is pd.NaT:
            continue
        kind = kinds[name]
        if kind in "iub":
            feature = tf.train.Feature(int64_list=tf.train.Int64List(value=[int(value)]))
        elif kind == "f":
            feature = tf.train.Feature(float_list=tf.train.FloatList(value=[float(value)]))
        elif kind == "M":
            ms = int(pd.Timestamp(value).value // 1_000_000)
            feature = tf.train.Feature(int64_list=tf.train.Int64List(value=[ms]))
        else:
            data = value if isinstance(value, bytes) else str(value).encode("utf-8")
            feature = tf.train.Feature(bytes_list=tf.train.BytesList(value=[data]))
        features[name] = feature
    return tf.train.Example(features=tf.train.Features(feature=features))


def _write_tfrecord(frame: pd.DataFrame, path: Path) -> None:
    import tensorflow as tf

    kinds = {str(c): t.kind for c, t in frame.dtypes.items()}
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    with tf.io.TFRecordWriter(str(path)) as writer:
        for row in rows:
            writer.write(_example(row, kinds).SerializeToString())


def _read_tfrecord(path: Path, dtypes: dict[str, str]) -> pd.DataFrame:
    import tensorflow as tf

    rows = []
    for record in tf.data.TFRecordDataset([str(path)]).as_numpy_iterator():
        example = tf.train.Example.FromString(record)
        row: dict[str, Any] = {}
        for name, feature in example.features.feature.items():
            kind = feature.WhichOneof("kind")
            values = list(getattr(feature, kind).value)
            value = values[0] if values else None
            if kind == "bytes_list" and value is not None:
                value = value.decode("utf-8")
            row[name] = value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(dtypes))
    for name, dtype in dtypes.items():
        if dtype.startswith("datetime64"):
            frame[name] = pd.to_datetime(frame[name], unit="ms")
        elif dtype == "bool":
            frame[name] = frame[name].astype(bool)
    return frame


_WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    "parquet": _write_parquet,
    "csv": _text_writer(","),
    "tsv": _text_writer("\t"),
    "tfrecord": _write_tfrecord,
}
_READERS: dict[str, Callable[[Path, dict[str, str]], pd.DataFrame]] = {
    "parquet": _read_parquet,
    "csv": _text_reader(","),
    "tsv": _text_reader("\t"),
    "tfrecord": _read_tfrecord,
}
