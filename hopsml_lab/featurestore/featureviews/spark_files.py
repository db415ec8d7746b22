"""A materialised training dataset written by Spark's executors.

One job (``mapInArrow``) over the transformed rows, each carrying its split's name:
every task writes the rows it holds, split by split, into one part file per split
(``part-<task>-<write id>-<attempt>.<format>``, ``td_files.PartFile``: the encodings of
the pandas path, TFRecord examples typed by the dataset's dtypes) and answers only the
files' paths and row counts. Files go into the hidden staging folder ``td_files`` uses
(``.<name>.<random>.tmp``). The executors write through the project's store, as the
feature groups' Spark inserts write through theirs: in place on a local project; on
HDFS a local scratch file copied up over WebHDFS (``Store.put_file``, atomic per file),
so executors need no namenode client, and Spark's own writers (``hdfs://``, a Hadoop
output committer) are not involved.

Then the driver removes what failed task attempts left (files no successful task
reported), gives a split without rows an empty part (its header / schema), and renames
the staging folder into place. A failed job, check or rename deletes the staging
folder, after the failed job's other tasks have stopped: nothing is half-written.
"""

from __future__ import annotations

import posixpath
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from ...store import LocalStore
from ..featuregroups.spark_insert import _JOB_GROUP, _settle, _spark_context
from ..transformations.spark_apply import arrow_schema
from .spark_splits import SPLIT
from .td_files import PartFile, _files, normal_format, publish, staging_for, write_part

if TYPE_CHECKING:
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

    from ...store import Store

_RESULT = "split string, path string, rows long"


@dataclass(frozen=True)
class SplitWriter:
    """Runs on the executors: a task's rows into one part file per split."""

    store: Store
    staging: str
    folders: dict[str, str]  # split name ("" without splits) -> folder in the dataset
    fmt: str
    write_id: str
    dtypes: dict[str, str]
    schema: pa.Schema  # the data columns (no split column)
    labelled: bool  # the rows carry SPLIT

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        context = TaskContext.get()
        task = (context.partitionId(), context.attemptNumber()) if context else (0, 0)
        parts: dict[str, tuple[str, PartFile, int]] = {}
        with tempfile.TemporaryDirectory(prefix="hopsml-td-") as scratch:
            try:
                for batch in batches:
                    for split, rows in self._by_split(batch):
                        if split not in parts:
                            parts[split] = self._open(split, task, scratch)
                        path, part, count = parts[split]
                        part.write(rows)
                        parts[split] = (path, part, count + rows.num_rows)
            finally:
                for _, part, _ in parts.values():
                    part.close(self.schema)
            if not isinstance(self.store, LocalStore):
                for path, part, _ in parts.values():
                    self.store.put_file(part.path, path)
        if parts:
            yield pa.RecordBatch.from_pydict(
                {
                    "split": list(parts),
                    "path": [p for p, _, _ in parts.values()],
                    "rows": [c for _, _, c in parts.values()],
                },
                schema=pa.schema(
                    [("split", pa.string()), ("path", pa.string()), ("rows", pa.int64())]
                ),
            )

    def _by_split(self, batch: pa.RecordBatch) -> Iterator[tuple[str, pa.Table]]:
        if batch.num_rows == 0:
            return
        table = pa.Table.from_batches([batch])
        if not self.labelled:
            yield "", table.select(self.schema.names)
            return
        labels = table.column(SPLIT)
        for split in pc.unique(labels).to_pylist():
            rows = table.filter(pc.equal(labels, split))
            yield split, rows.select(self.schema.names)

    def _open(self, split: str, task: tuple[int, int], scratch: str) -> tuple[str, PartFile, int]:
        name = f"part-{task[0]:05d}-{self.write_id}-{task[1]}.{self.fmt}"
        path = f"{self.staging}/{self.folders[split]}/{name}"
        if isinstance(self.store, LocalStore):
            local = Path(self.store.url(path))
            local.parent.mkdir(parents=True, exist_ok=True)
        else:
            local = Path(scratch, f"{self.folders[split]}-{name}")
        return path, PartFile(local, self.fmt, self.dtypes), 0


@dataclass(frozen=True)
class Chained:
    """Two ``mapInArrow`` functions as one task step: the rows transformed, then
    written, in one Python pass."""

    first: Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]
    then: Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return self.then(self.first(batches))


def _run_job(frame: DataFrame, writer: Callable[..., Any], write_id: str) -> list[Any]:
    """The writing job, in its own job group; after a failure, once its other tasks
    have stopped (so the staging folder can be deleted for good)."""
    context = _spark_context(frame)
    group = f"hopsml-td-write-{write_id}"
    saved = {k: context.getLocalProperty(k) for k in _JOB_GROUP} if context else {}
    if context is not None:
        context.setJobGroup(group, "training dataset: executors write the splits", True)
    try:
        return frame.mapInArrow(writer, _RESULT).collect()
    except BaseException:
        if context is not None:
            _settle(context, group)
        raise
    finally:
        for key, value in saved.items():
            context.setLocalProperty(key, value)  # type: ignore[union-attr]


def _write_staged(
    store: Store,
    staging: str,
    frame: DataFrame,
    folders: dict[str, str],
    fmt: str,
    dtypes: dict[str, str],
    transform: tuple[Callable[..., Any], StructType] | None,
) -> tuple[dict[str, int], set[str], pa.Schema]:
    """Run the writing job into ``staging`` and delete what failed attempts left there.
    Returns each split's row count, the files kept and the data columns' schema."""
    from pyspark.sql.types import StructType

    rows = transform[1] if transform else frame.schema
    labelled = SPLIT in rows.names
    schema = arrow_schema(StructType([f for f in rows.fields if f.name != SPLIT]))
    write_id = uuid.uuid4().hex[:16]
    writer = SplitWriter(store, staging, folders, fmt, write_id, dtypes, schema, labelled)
    job = Chained(transform[0], writer) if transform else writer
    reported = _run_job(frame, job, write_id)
    counts = {split: 0 for split in folders}
    kept = set()
    for row in reported:
        counts[row["split"]] += int(row["rows"])
        kept.add(row["path"])
    for folder in folders.values():
        for path in _files(store, f"{staging}/{folder}", f"*.{fmt}"):
            if path not in kept:  # a failed attempt's file
                store.delete(path)
    return counts, kept, schema


def write_spark(
    store: Store,
    location: str,
    frame: DataFrame,
    folders: dict[str, str],
    data_format: str,
    dtypes: dict[str, str],
    transform: tuple[Callable[..., Any], StructType] | None = None,
) -> dict[str, int]:
    """Write ``frame``'s rows under ``location``: by their ``SPLIT`` column into
    ``folders`` (split name -> folder), or, with one folder under ``""``, all of them
    there. ``transform``: a ``mapInArrow`` function run on the rows first, in the same
    pass, and the schema it gives. A dataset already at ``location`` is replaced
    (``td_files.publish``). Returns each split's row count."""
    fmt = normal_format(data_format)
    staging = staging_for(store, location)
    try:
        counts, kept, schema = _write_staged(store, staging, frame, folders, fmt, dtypes, transform)
        for folder in folders.values():
            if not any(posixpath.dirname(p) == f"{staging}/{folder}" for p in kept):
                _empty_part(store, f"{staging}/{folder}/part-00000.{fmt}", fmt, dtypes, schema)
        publish(store, staging, location)
        return counts
    finally:
        if store.exists(staging):
            store.delete(staging, recursive=True)


def append_spark(
    store: Store,
    location: str,
    frame: DataFrame,
    folders: dict[str, str],
    data_format: str,
    dtypes: dict[str, str],
) -> tuple[dict[str, int], list[str]]:
    """Add ``frame``'s rows to the dataset at ``location`` as new part files, split as
    ``write_spark`` splits them; the files there are left as they are. The new files are
    written into a staging folder, then each moved into its split folder; if a move
    fails, those moved already are deleted again. Returns each split's row count and
    the files added (to delete them again if what follows fails)."""
    fmt = normal_format(data_format)
    staging = staging_for(store, location)
    moved: list[str] = []
    try:
        counts, kept, _ = _write_staged(store, staging, frame, folders, fmt, dtypes, None)
        for path in sorted(kept):
            target = f"{location}{path[len(staging) :]}"
            store.rename(path, target)
            moved.append(target)
        return counts, moved
    except BaseException:
        for target in moved:
            store.delete(target)
        raise
    finally:
        if store.exists(staging):
            store.delete(staging, recursive=True)


def _empty_part(
    store: Store, path: str, fmt: str, dtypes: dict[str, str], schema: pa.Schema
) -> None:
    def write(local: Path) -> None:
        PartFile(local, fmt, dtypes).close(schema)

    write_part(store, path, write)
