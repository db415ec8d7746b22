"""A materialised training dataset's files: one folder per split (``train/``, ``test/``
…, or the dataset's name without splits), each holding ``part-00000.<format>`` (written
on the Spark engine: a ``part-<task>-<write id>-<attempt>.<format>`` per task, see
``spark_files``). Readers take every ``*.<format>`` file of a folder.

Formats: ``parquet``, ``csv``, ``tsv`` and ``tfrecord`` (``tfrecords`` too). TFRecord
files hold one ``tf.train.Example`` per row: integers and booleans as ``int64_list``,
floats as ``float_list``, strings as ``bytes_list`` and timestamps as ``int64_list`` of
epoch milliseconds; a missing value is a missing feature. The pandas dtypes written are
kept with the dataset, so text formats read back with the same types.

Files live in the project's store (``hopsml_lab.store``), a local folder or HDFS. Writing
is all or nothing: every split goes into a hidden temporary folder next to the target
(``.<name>.<random>.tmp``, which store listings skip), renamed into place
(``Store.rename``) only once all files are complete. On HDFS each file is written
locally first and copied up through the store; text and Parquet files are read back
through the store, TFRecord files from a local copy (TensorFlow reads local paths
here: ``local_files``). On the Spark engine the executors read them (``spark_reads``).
"""

from __future__ import annotations

import atexit
import fnmatch
import io
import posixpath
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ...store import LocalStore, StoreNotFoundError, clean_path
from ..errors import BadFeatureInput
from ..types import restore_dtypes
from .view_errors import TrainingDataUnreadable

if TYPE_CHECKING:
    from ...store import Store

FORMATS = {"parquet": "parquet", "csv": "csv", "tsv": "tsv", "tfrecord": "tfrecord"}
FORMATS["tfrecords"] = "tfrecord"
PART = "part-00000"
Source = Path | IO[bytes]  # a local file, or a file's bytes read through the store


def normal_format(data_format: str | None) -> str:
    """The file format a ``data_format`` names; others are refused."""
    fmt = FORMATS.get(str(data_format or "").lower())
    if fmt is None:
        raise BadFeatureInput(
            f"data_format {data_format!r} is not offered here: use 'parquet', 'csv', 'tsv' "
            "or 'tfrecord'"
        )
    return fmt


def _local(store: Store, path: str) -> Path | None:
    """Where ``path`` of the store is on this machine (None: the store is remote)."""
    return Path(store.url(path)) if isinstance(store, LocalStore) else None


def _is_folder(store: Store, path: str) -> bool:
    try:
        store.list(path)
    except StoreNotFoundError:
        return False
    return True


def staging_for(store: Store, location: str) -> str:
    """A fresh hidden folder next to ``location`` to write a dataset into (a file at
    ``location`` is refused first)."""
    location = clean_path(location)
    if store.exists(location) and not _is_folder(store, location):
        raise NotADirectoryError(
            f"{location!r} in the project is a file, not a training dataset folder: move "
            "or delete it, then create the training dataset again"
        )
    parent, name = posixpath.split(location)
    return posixpath.join(parent, f".{name}.{uuid.uuid4().hex}.tmp")


def publish(store: Store, staging: str, location: str) -> None:
    """Put a complete staging folder in place of ``location``. A folder there is
    replaced by two renames (moved aside to a hidden name, the staging folder moved in,
    then the old one deleted; if the second rename fails, the old one is moved back), so
    readers find the old files or the new ones."""
    location = clean_path(location)
    if not store.exists(location):
        store.rename(staging, location)
        return
    parent, name = posixpath.split(location)
    aside = posixpath.join(parent, f".{name}.{uuid.uuid4().hex}.old")
    store.rename(location, aside)
    try:
        store.rename(staging, location)
    except BaseException:
        store.rename(aside, location)
        raise
    store.delete(aside, recursive=True)


def write_part(store: Store, path: str, write: Callable[[Path], None]) -> None:
    """Write the file ``path`` of the store with ``write(local path)``: in place on a
    local store, else into a local scratch file copied up."""
    local = _local(store, path)
    if local is not None:
        local.parent.mkdir(parents=True, exist_ok=True)
        write(local)
        return
    with tempfile.TemporaryDirectory(prefix="hopsml-td-") as scratch:
        written = Path(scratch, posixpath.basename(path))
        write(written)
        store.put_file(written, path)


def write_dataset(
    store: Store, location: str, frames: dict[str, pd.DataFrame], data_format: str
) -> None:
    """Write each ``{folder: frame}`` under the project folder ``location`` at once: into
    a temporary folder, renamed to ``location`` when complete (a leftover folder there is
    replaced; a file there is refused)."""
    fmt = normal_format(data_format)
    staging = staging_for(store, location)
    try:
        for folder, frame in frames.items():
            path = f"{staging}/{folder}/{PART}.{fmt}"
            write_part(store, path, lambda local, frame=frame: _WRITERS[fmt](frame, local))
        publish(store, staging, location)
    finally:
        if store.exists(staging):
            store.delete(staging, recursive=True)


def remove_dataset(store: Store, location: str) -> None:
    """Delete a dataset's folder with its files (a missing one is skipped)."""
    if location and store.exists(location):
        store.delete(location, recursive=True)


def _files(store: Store, folder: str, pattern: str) -> list[str]:
    """The files of ``folder`` whose names match ``pattern`` (store paths, by name)."""
    try:
        entries = store.list(folder)
    except StoreNotFoundError:
        return []
    return [e.path for e in entries if not e.is_dir and fnmatch.fnmatch(e.name, pattern)]


def part_files(store: Store, folder: str, fmt: str) -> list[str]:
    """The ``*.<fmt>`` files of one split folder; none is refused."""
    files = _files(store, folder, f"*.{fmt}")
    if not files:
        raise TrainingDataUnreadable(
            f"Failed to read dataset from {store.url(folder)}: no {fmt} files there (purged "
            "or deleted?). Check if path exists or recreate a training dataset."
        )
    return files


def read_folder(
    store: Store, folder: str, data_format: str, dtypes: dict[str, str]
) -> pd.DataFrame:
    """The rows of one split folder (a project path), with the dtypes written."""
    fmt = normal_format(data_format)
    files = part_files(store, folder, fmt)
    parts = []
    for path in files:
        local = _local(store, path)
        source: Source = local if local is not None else io.BytesIO(store.read_bytes(path))
        parts.append(_READERS[fmt](source, dtypes))
    frame = pd.concat(parts, ignore_index=True)
    return _restore(frame, dtypes)


_copies: list[str] = []


def _remove_copies() -> None:
    for folder in _copies:
        shutil.rmtree(folder, ignore_errors=True)


def local_files(store: Store, location: str, folders: list[str], pattern: str) -> list[str]:
    """Local paths of the files matching ``pattern`` in ``folders`` of the dataset at
    ``location``, for readers that open paths themselves (``tf.data``). A local
    project's files are used where they are; an HDFS project's are copied into a fresh
    temporary folder, kept until the process exits (a ``tf.data`` pipeline opens its
    files whenever it is iterated)."""
    found = [p for folder in folders for p in _files(store, f"{location}/{folder}", pattern)]
    if not found or isinstance(store, LocalStore):
        return [str(_local(store, p) or p) for p in found]
    if not _copies:
        atexit.register(_remove_copies)
    copies = tempfile.mkdtemp(prefix="hopsml-tfdata-")
    _copies.append(copies)
    paths = []
    for index, path in enumerate(found):
        local = Path(copies, str(index), posixpath.basename(path))
        local.parent.mkdir()
        local.write_bytes(store.read_bytes(path))
        paths.append(str(local))
    return paths


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


class PartFile:
    """One part file of a split, written batch by batch (pandas frames, or Arrow tables
    from Spark, turned into frames with ``dtypes`` for the text and TFRecord formats).
    TFRecord features are typed by ``dtypes`` when given (every batch alike), else by
    the first frame's dtypes."""

    def __init__(self, path: Path, fmt: str, dtypes: dict[str, str] | None = None) -> None:
        self.path = path
        self.fmt = normal_format(fmt)
        self.dtypes = dtypes
        self._writer: Any = None
        self._kinds: dict[str, str] | None = None
        if dtypes is not None:
            self._kinds = {n: _kind(t) for n, t in dtypes.items()}

    def write(self, data: pd.DataFrame | pa.Table) -> None:
        if self.fmt == "parquet":
            table = (
                data
                if isinstance(data, pa.Table)
                else pa.Table.from_pandas(data, preserve_index=False)
            )
            if self._writer is None:
                self._writer = pq.ParquetWriter(self.path, table.schema)
            self._writer.write_table(table)
            return
        frame = data if isinstance(data, pd.DataFrame) else self._frame(data)
        if self.fmt == "tfrecord":
            self._write_examples(frame)
            return
        first = self._writer is None
        if first:
            self._writer = open(self.path, "w", newline="")  # noqa: SIM115 - closed in close()
        frame.to_csv(
            self._writer, index=False, sep="," if self.fmt == "csv" else "\t", header=first
        )

    def _frame(self, table: pa.Table) -> pd.DataFrame:
        return restore_dtypes(table.to_pandas(), dict(self.dtypes or {}))

    def _write_examples(self, frame: pd.DataFrame) -> None:
        import tensorflow as tf

        if self._writer is None:
            self._writer = tf.io.TFRecordWriter(str(self.path))
        kinds = self._kinds or {str(c): t.kind for c, t in frame.dtypes.items()}
        if self._kinds is None:
            self._kinds = kinds
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for row in rows:
            self._writer.write(_example(row, kinds).SerializeToString())

    def close(self, schema: pa.Schema | None = None) -> None:
        """Finish the file (one with no batch gets the header / ``schema`` alone)."""
        if self._writer is None:
            if self.fmt == "parquet":
                self.write((schema or pa.schema([])).empty_table())
            elif schema is not None:
                self.write(schema.empty_table())
            else:
                self.path.touch()
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _kind(dtype: str) -> str:
    """numpy's kind letter of a pandas dtype name (``O`` for what pandas cannot name)."""
    try:
        return pd.api.types.pandas_dtype(dtype).kind
    except TypeError:
        return "O"


def _writer(fmt: str) -> Callable[[pd.DataFrame, Path], None]:
    def write(frame: pd.DataFrame, path: Path) -> None:
        part = PartFile(path, fmt)
        part.write(frame)
        part.close()

    return write


def _read_parquet(source: Source, dtypes: dict[str, str]) -> pd.DataFrame:
    return pq.read_table(source).to_pandas()


def _text_reader(sep: str) -> Callable[[Source, dict[str, str]], pd.DataFrame]:
    def read(source: Source, dtypes: dict[str, str]) -> pd.DataFrame:
        text = {n for n, t in dtypes.items() if t in ("object", "str", "string")}
        return pd.read_csv(source, sep=sep, dtype={n: "str" for n in text}, keep_default_na=True)

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


def _read_tfrecord(source: Source, dtypes: dict[str, str]) -> pd.DataFrame:
    if not isinstance(source, Path):  # TensorFlow reads a local file: a copy
        with tempfile.TemporaryDirectory(prefix="hopsml-td-") as scratch:
            copy = Path(scratch, f"{PART}.tfrecord")
            copy.write_bytes(source.read())
            return _read_tfrecord(copy, dtypes)
    import tensorflow as tf

    rows = []
    for record in tf.data.TFRecordDataset([str(source)]).as_numpy_iterator():
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
    f: _writer(f) for f in FORMATS.values()
}
_READERS: dict[str, Callable[[Source, dict[str, str]], pd.DataFrame]] = {
    "parquet": _read_parquet,
    "csv": _text_reader(","),
    "tsv": _text_reader("\t"),
    "tfrecord": _read_tfrecord,
}
