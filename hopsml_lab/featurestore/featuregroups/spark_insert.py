"""Inserting a Spark DataFrame: small ones through Arrow, large ones by the executors.

The column types come from the DataFrame's schema (no job), so a frame that does not
fit the group is refused before anything runs. A group's expectation suite checks the
rows before the write: on the collected Arrow rows (small), or as one Spark aggregation
job over the frame (large). Then, by the size Spark's optimizer
estimates for the plan (``Settings.fs_spark_collect_max_bytes``,
``HOPSML_FS_SPARK_COLLECT_MAX_BYTES``; unknown counts as large):

* small: ``toArrow()`` to the driver, then the same key checks and Delta write as a
  pandas insert;
* large: one Spark job (``mapInArrow``): each task writes its rows with pyarrow as one
  Parquet file into the table folder (row groups of up to ``ROW_GROUP_ROWS`` rows) and
  answers its path, size, row count and Delta statistics. The primary key is checked on
  what was written, before anything is committed (no second pass over the frame, whose
  lineage would run again): no empty values (the files' null counts), and for an upsert
  one row per key (the key columns read back). Then the driver commits once:

  - append (``operation="insert"``, or an upsert into a new group or one without a
    primary key) and ``overwrite=True``: one Delta transaction adding the files
    (``create_write_transaction`` with an ``AddAction`` each, their statistics the row
    and null counts and min/max of numbers and dates);
  - upsert into a group that has rows: a merge needs the rows where the table is
    committed, so the tasks write under ``_staging/<id>/`` in the table folder and the
    driver streams those files into delta-rs's merge (batch by batch, not held in
    memory): one commit, with the change data feed delta-rs writes for a merge; the
    staged files are deleted after;
  - partitioned groups: staged the same way and written by delta-rs on the driver,
    which lays out the partition folders.

A write that fails (a task, a key check, the commit) deletes the files it wrote, after
the failed job's other tasks have stopped, so the table is at its last commit and no
file of the write is left behind.
"""

from __future__ import annotations

import json
import os
import posixpath
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import BadFeatureInput, FeatureGroupWarning
from ..types import _storable, hive_type
from .sources import NULL_KEYS, ArrowSource, check_arrow_keys
from .spec import feature_name
from .table import WrittenFile, delta_stats, file_stats, now_ms

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from ...catalog import FeatureGroupRecord
    from ...settings import Settings
    from .table import DeltaFeatureTable, WriteResult

DEFAULT_COLLECT_MAX_BYTES = 64 * 2**20
STAGING = "_staging"
ROW_GROUP_ROWS = 1 << 20  # rows a task buffers before writing them as one row group
_JOB_GROUP = ("spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel")
_GRACE_S = 2.5  # after a failed job: Spark's python killTimeout (2 s) and a little
_RESULT = "path string, size long, rows long, mtime long, stats string"


def normalise_spark(frame: DataFrame) -> DataFrame:
    """hsfs' column names (lower case, spaces as ``_``), as for pandas frames."""
    import warnings

    renamed = [feature_name(c) for c in frame.columns]
    if len(set(renamed)) != len(renamed):
        raise BadFeatureInput(
            f"columns {renamed} repeat a name once lower-cased: give each column its own name"
        )
    if renamed != list(frame.columns):
        warnings.warn(
            "column names were lower-cased and spaces replaced by '_' as the feature store "
            f"stores them: {renamed}",
            FeatureGroupWarning,
            stacklevel=5,
        )
        frame = frame.toDF(*renamed)
    return frame


def arrow_schema(frame: DataFrame) -> pa.Schema:
    """The Arrow schema the group stores for ``frame`` (times as naive UTC µs)."""
    from pyspark.sql.pandas.types import to_arrow_schema

    try:
        spark_arrow = to_arrow_schema(frame.schema)
    except (TypeError, ValueError, NotImplementedError) as error:
        raise BadFeatureInput(
            f"cannot store the Spark DataFrame's schema: {error}. Cast such columns to "
            "numbers, strings, timestamps, dates, arrays or structs first"
        ) from None
    return pa.schema([pa.field(f.name, _storable(f.type)) for f in spark_arrow])


def schema_types(schema: pa.Schema) -> dict[str, tuple[str, str]]:
    """``{column: (hsfs type, pandas dtype a read gives)}`` for a stored schema."""
    dtypes = schema.empty_table().to_pandas().dtypes
    return {f.name: (hive_type(f.type), str(dtypes[f.name])) for f in schema}


def estimated_bytes(frame: DataFrame) -> int | None:
    """The plan's size as Spark's optimizer estimates it (no job); None if unknown
    (Spark Connect)."""
    try:
        stats = frame._jdf.queryExecution().optimizedPlan().stats()
        return int(str(stats.sizeInBytes()))  # a Scala BigInt (or an int): its digits
    except Exception:  # Spark Connect has no _jdf; any other failure: treat as unknown
        return None


def spark_source(frame: DataFrame, settings: Settings | None) -> ArrowSource | SparkSource:
    frame = normalise_spark(frame)
    schema = arrow_schema(frame)
    types = schema_types(schema)
    limit = DEFAULT_COLLECT_MAX_BYTES if settings is None else settings.fs_spark_collect_max_bytes
    size = estimated_bytes(frame)
    if size is not None and size <= limit:
        return CollectedSource(frame, schema, types)
    return SparkSource(frame, schema, types)


class CollectedSource(ArrowSource):
    """A small Spark frame: collected through Arrow when its rows are first needed
    (after the schema check), then written as a pandas frame is."""

    def __init__(
        self, frame: DataFrame, schema: pa.Schema, types: dict[str, tuple[str, str]]
    ) -> None:
        self._spark = frame
        self._schema = schema
        self._collected: pa.Table | None = None
        self.types = types
        self._frame = None

    @property  # type: ignore[override]
    def data(self) -> pa.Table:
        if self._collected is None:
            self._collected = self._spark.toArrow().select(self._schema.names).cast(self._schema)
        return self._collected


@dataclass(frozen=True)
class PartWriter:
    """Runs on the executors (``mapInArrow``): each task writes its rows as one Parquet
    file ``<folder>/part-<task>-<id>-<attempt>.c000.snappy.parquet`` into the table folder
    and answers one row describing it (none for a task without rows)."""

    root: str
    storage_options: dict[str, str] | None
    folder: str
    write_id: str
    schema: pa.Schema

    def name(self, task: int, attempt: int) -> str:
        file = f"part-{task:05d}-{self.write_id}-{attempt}.c000.snappy.parquet"
        return posixpath.join(self.folder, file) if self.folder else file

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        context = TaskContext.get()
        task = context.partitionId() if context else 0
        attempt = context.attemptNumber() if context else 0
        name = self.name(task, attempt)
        writer: pq.ParquetWriter | None = None
        sink: Any = None
        rows, stats, size = 0, [], 0
        pending: list[pa.RecordBatch] = []  # Spark's batches are small: one row group of many
        try:
            for batch in batches:
                if batch.num_rows == 0:
                    continue
                pending.append(batch.select(self.schema.names).cast(self.schema))
                if sum(b.num_rows for b in pending) < ROW_GROUP_ROWS:
                    continue
                if writer is None:
                    sink = self._open(name)
                    writer = pq.ParquetWriter(sink, self.schema, compression="snappy")
                rows += self._flush(writer, pending, stats)
            if pending:
                if writer is None:
                    sink = self._open(name)
                    writer = pq.ParquetWriter(sink, self.schema, compression="snappy")
                rows += self._flush(writer, pending, stats)
        finally:
            if writer is not None:
                writer.close()
            if sink is not None and not isinstance(sink, str):
                size = sink.tell()  # the bytes written (the remote store may not say)
                sink.close()
        if writer is None:
            return
        if isinstance(sink, str):
            size = os.path.getsize(sink)
        yield pa.RecordBatch.from_pydict(
            {
                "path": [name],
                "size": [size],
                "rows": [rows],
                "mtime": [now_ms()],
                "stats": [delta_stats(stats, rows)],
            }
        )

    def _flush(
        self, writer: pq.ParquetWriter, pending: list[pa.RecordBatch], stats: list[Any]
    ) -> int:
        """Write the pending batches as one row group; their count of rows."""
        table = pa.Table.from_batches(pending, self.schema)
        pending.clear()
        writer.write_table(table, row_group_size=table.num_rows)
        stats.append(file_stats(table))
        return table.num_rows

    def _open(self, name: str) -> Any:
        if self.storage_options is None:
            path = os.path.join(self.root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            return path
        return self._filesystem().open_output_stream(name)

    def _filesystem(self) -> Any:
        from deltalake.fs import DeltaStorageHandler
        from pyarrow.fs import PyFileSystem

        return PyFileSystem(DeltaStorageHandler(self.root, self.storage_options))


class SparkSource:
    """A large Spark frame, written by the executors (see the module)."""

    def __init__(
        self, frame: DataFrame, schema: pa.Schema, types: dict[str, tuple[str, str]]
    ) -> None:
        self.frame = frame
        self.schema = schema
        self.types = types
        self._keys: list[str] = []
        self._operation = "upsert"
        self._job_failed = False

    def check_primary_key(self, group: FeatureGroupRecord, operation: str) -> None:
        """Noted here, checked on the written files before they are committed: a second
        pass over the frame would run its whole lineage again."""
        self._keys, self._operation = list(group.primary_key), operation

    def _check_written(self, table: DeltaFeatureTable, files: list[WrittenFile]) -> None:
        """No empty key (from the files' null counts); for an upsert, one row per key
        (the key columns of the written files, read back)."""
        keys = self._keys
        if not keys or not files:
            return
        for file in files:
            nulls = json.loads(file.stats).get("nullCount", {})
            if any(nulls.get(k) for k in keys):
                raise BadFeatureInput(NULL_KEYS.format(keys=keys))
        if self._operation == "upsert":
            check_arrow_keys(self._dataset(table, files).to_table(columns=keys), keys, "upsert")

    def _dataset(self, table: DeltaFeatureTable, files: list[WrittenFile]) -> Any:
        """The written files as one Arrow dataset (local paths, or through delta-rs)."""
        import pyarrow.dataset as pads

        if table.is_local:
            paths = [os.path.join(table.path, f.path) for f in files]
            return pads.dataset(paths, schema=self.schema, format="parquet")
        return pads.dataset(
            [f.path for f in files],
            schema=self.schema,
            format="parquet",
            filesystem=table.filesystem(),
        )

    def _write_parts(
        self, table: DeltaFeatureTable, folder: str, write_id: str
    ) -> list[WrittenFile]:
        writer = PartWriter(table.path, table.storage_options, folder, write_id, self.schema)
        context = _spark_context(self.frame)
        group = f"hopsml-fs-insert-{write_id}"
        saved = {k: context.getLocalProperty(k) for k in _JOB_GROUP} if context else {}
        if context is not None:
            context.setJobGroup(group, "feature group insert: executors write Parquet", True)
        try:
            rows = self.frame.mapInArrow(writer, _RESULT).collect()
        except BaseException:
            self._job_failed = True  # its other tasks may still be writing: see _settle
            if context is not None:
                _settle(context, group)
            raise
        finally:
            for key, value in saved.items():
                context.setLocalProperty(key, value)  # type: ignore[union-attr]
        return [
            WrittenFile(
                path=r["path"],
                size=int(r["size"]),
                rows=int(r["rows"]),
                modification_time=int(r["mtime"]),
                stats=r["stats"],
            )
            for r in rows
        ]

    def _leftovers(self, table: DeltaFeatureTable, write_id: str, keep: set[str]) -> list[str]:
        """Files this write made that no commit references (failed task attempts)."""
        return [
            f
            for f in table.list_files()
            if write_id in posixpath.basename(f) and f not in keep and not f.startswith(STAGING)
        ]

    def _remove_leftovers(
        self, table: DeltaFeatureTable, write_id: str, keep: set[str], failed: bool
    ) -> None:
        """Delete this write's unreferenced files; after a failure, again until a killed
        task's Python worker (Spark stops it within ``spark.python.task.killTimeout``,
        2 s) can write no more."""
        deadline = time.monotonic() + (_GRACE_S if failed and self._job_failed else 0)
        while True:
            table.remove_files(self._leftovers(table, write_id, keep))
            if time.monotonic() >= deadline:
                return
            time.sleep(0.25)

    def write(
        self,
        table: DeltaFeatureTable,
        *,
        mode: str,
        primary_key: list[str],
        partition_by: list[str],
        change_data_feed: bool,
    ) -> WriteResult:
        write_id = uuid.uuid4().hex[:16]
        merge = mode == "upsert" and bool(primary_key) and table.exists()
        if merge or partition_by:
            return self._staged(table, write_id, mode, primary_key, partition_by, change_data_feed)
        committed: set[str] = set()
        failed = True
        try:
            files = self._write_parts(table, "", write_id)
            self._check_written(table, files)
            result = table.commit_files(
                files,
                schema=self.schema,
                overwrite=mode == "overwrite",
                change_data_feed=change_data_feed,
            )
            committed, failed = {f.path for f in files}, False
            return result
        finally:  # a failed task's or a failed commit's files: referenced by nothing
            self._remove_leftovers(table, write_id, committed, failed)

    def _staged(
        self,
        table: DeltaFeatureTable,
        write_id: str,
        mode: str,
        primary_key: list[str],
        partition_by: list[str],
        change_data_feed: bool,
    ) -> WriteResult:
        folder = posixpath.join(STAGING, write_id)
        failed = True
        try:
            files = self._write_parts(table, folder, write_id)
            self._check_written(table, files)
            reader = self._dataset(table, files).scanner(batch_size=64 * 1024).to_reader()
            result = table.write(
                reader,
                mode=mode,
                primary_key=primary_key,
                partition_by=partition_by,
                change_data_feed=change_data_feed,
            )
            failed = False
            return result
        finally:  # staged files are never committed: gone either way
            deadline = time.monotonic() + (_GRACE_S if failed and self._job_failed else 0)
            _remove_folder(table, folder)
            while time.monotonic() < deadline:
                time.sleep(0.25)
                _remove_folder(table, folder)

    def validation_data(self) -> DataFrame:
        """The frame itself: an expectation suite runs as one Spark aggregation over it
        (its lineage runs again for the write)."""
        return self.frame

    def rows(self) -> pa.Table:
        """The frame collected to the driver through Arrow (an online-only insert: the
        rows go to the online store, which holds them all anyway), keys checked."""
        data = self.frame.toArrow().select(self.schema.names).cast(self.schema)
        check_arrow_keys(data, self._keys, self._operation)
        return data

    def rows_written(self, table: DeltaFeatureTable, result: WriteResult, wanted: bool) -> pa.Table:
        """The rows the commit inserted or updated (for the online store): read back from
        the change data feed, only when ``wanted``."""
        if not wanted:
            return self.schema.empty_table()
        if table.has_change_data():
            return table.changes([result.table_version], self.schema.names)
        return table.read(result.table_version)


def _spark_context(frame: DataFrame) -> Any:
    """The frame's SparkContext; None on Spark Connect."""
    try:
        return frame.sparkSession.sparkContext
    except Exception:  # Spark Connect has none
        return None


def _settle(context: Any, group: str, timeout_s: float = 60.0) -> None:
    """Wait until no task of the job group ``group`` runs (a failed job's other tasks
    are being killed), then for a killed task's Python worker to stop."""
    tracker = context.statusTracker()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        active = 0
        for job in tracker.getJobIdsForGroup(group):
            info = tracker.getJobInfo(job)
            for stage in info.stageIds if info is not None else []:
                found = tracker.getStageInfo(stage)
                active += found.numActiveTasks if found is not None else 0
        if not active:
            return
        time.sleep(0.1)


def _remove_folder(table: DeltaFeatureTable, folder: str) -> None:
    """Delete the staging folder (and ``_staging`` once empty)."""
    table.remove_files(table.list_files(folder, recursive=True))
    for path in (folder, STAGING):
        table.remove_folder(path, only_if_empty=path == STAGING)
