"""A feature group's Delta table (delta-rs): atomic commits, versions, Parquet files.

Every write is one Delta commit; its row counts come from Delta's own operation metrics.
The table lives where the project's files live: a local folder, or HDFS through
delta-rs's own OpenDAL ``webhdfs://`` backend (``table_location``). New tables record
Delta's change data feed (``delta.enableChangeDataFeed``, as Hopsworks creates them), so
the rows each commit inserted or updated can be read back (``changes``).
"""

from __future__ import annotations

import contextlib
import json
import posixpath
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.transaction import AddAction

from ..errors import FeatureStoreException

if TYPE_CHECKING:
    import pyarrow.dataset as pads

    from ...store import Store

CHANGE_DATA_FEED = "delta.enableChangeDataFeed"
CHANGED = ("insert", "update_postimage")  # the change types a changes() read keeps
_CDF_COLUMNS = ("_change_type", "_commit_version", "_commit_timestamp")

# delta-rs over WebHDFS checks for a commit file, then writes it: not atomic. Commits of
# one table from this process take turns (other processes: see the storage design note).
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _table_lock(uri: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(uri, threading.Lock())


@dataclass(frozen=True)
class WriteResult:
    table_version: int
    inserted: int
    updated: int
    deleted: int


@dataclass(frozen=True)
class WrittenFile:
    """A Parquet file written into the table folder, not yet committed."""

    path: str  # relative to the table root
    size: int
    rows: int
    modification_time: int  # epoch ms
    stats: str  # Delta's per-file statistics (JSON)
    partition_values: dict[str, str | None] = field(default_factory=dict)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_location(store: Store, location: str) -> tuple[str, dict[str, str] | None]:
    """The URI delta-rs opens for ``location`` (a project-relative folder) and its
    storage options: a local path, or ``webhdfs://host:port/<path>`` with the WebHDFS
    gateway as OpenDAL's endpoint for a project on HDFS."""
    from ...store import HdfsStore

    if not isinstance(store, HdfsStore):
        return store.url(location), None
    gateway = urlparse(store._gateway)
    reader = urlparse(store.reader_url(location))  # webhdfs://[user@]host:port/full/path
    host = reader.netloc.rpartition("@")[2]
    options = {"opendal.endpoint": f"{gateway.scheme or 'http'}://{host}"}
    if store._user:
        options["opendal.user_name"] = store._user
    return f"webhdfs://{host}{reader.path}", options


def delta_stats(batch_stats: Iterable[dict[str, Any]], rows: int) -> str:
    """Delta's file statistics JSON from per-batch ``{"nulls", "min", "max"}`` dicts
    (``file_stats``): numRecords and null counts for every column, min/max only where
    they are exact and unambiguous (numbers and dates)."""
    nulls: dict[str, int] = {}
    lows: dict[str, Any] = {}
    highs: dict[str, Any] = {}
    for stats in batch_stats:
        for name, count in stats["nulls"].items():
            nulls[name] = nulls.get(name, 0) + count
        for name, value in stats["min"].items():
            lows[name] = value if name not in lows else min(lows[name], value)
        for name, value in stats["max"].items():
            highs[name] = value if name not in highs else max(highs[name], value)
    return json.dumps(
        {"numRecords": rows, "nullCount": nulls, "minValues": lows, "maxValues": highs},
        default=str,
    )


def file_stats(batch: pa.RecordBatch | pa.Table) -> dict[str, Any]:
    """Null counts of every column and min/max of numeric and date columns of a batch."""
    import pyarrow.compute as pc

    out: dict[str, Any] = {"nulls": {}, "min": {}, "max": {}}
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        out["nulls"][name] = column.null_count
        kind = column.type
        exact = pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_date(kind)
        if not exact or column.null_count == len(column):
            continue
        if pa.types.is_floating(kind) and pc.any(pc.is_nan(column)).as_py():
            continue  # NaN orders differently in Delta readers: leave it unknown
        bounds = pc.min_max(column)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if pa.types.is_date(kind):
            low, high = low.isoformat(), high.isoformat()
        out["min"][name], out["max"][name] = low, high
    return out


class DeltaFeatureTable:
    """The Delta table of one feature group version
    (``<project>/FeatureStore/<name>_<version>``), local or on HDFS."""

    def __init__(
        self,
        path: str | Path,
        storage_options: dict[str, str] | None = None,
        *,
        store: Store | None = None,
        location: str | None = None,
    ) -> None:
        self.path = str(path)
        self.storage_options = storage_options
        self.store = store
        self.location = location

    @classmethod
    def at(cls, store: Store, location: str) -> DeltaFeatureTable:
        """The table in the project-relative folder ``location`` of ``store``."""
        uri, options = table_location(store, location)
        return cls(uri, options, store=store, location=location)

    @property
    def is_local(self) -> bool:
        return self.storage_options is None

    def delta(self, version: int | None = None) -> DeltaTable:
        """The delta-rs table, at ``version`` or its latest."""
        return DeltaTable(self.path, version=version, storage_options=self.storage_options)

    def exists(self) -> bool:
        return DeltaTable.is_deltatable(self.path, storage_options=self.storage_options)

    def latest_version(self) -> int | None:
        return self.delta().version() if self.exists() else None

    def schema(self) -> pa.Schema:
        return pa.schema(self.delta().schema().to_arrow())

    def has_change_data(self, version: int | None = None) -> bool:
        """Whether the table records its change data feed (at ``version``)."""
        configuration = self.delta(version).metadata().configuration or {}
        return str(configuration.get(CHANGE_DATA_FEED, "false")).lower() == "true"

    def lock(self) -> threading.Lock:
        """Held around every commit of this table from this process."""
        return _table_lock(self.path)

    # -- writing ------------------------------------------------------------------

    def write(
        self,
        data: pa.Table | pa.RecordBatchReader,
        *,
        mode: str,
        primary_key: list[str] | None = None,
        partition_by: list[str] | None = None,
        change_data_feed: bool = True,
    ) -> WriteResult:
        """One commit: ``mode`` is ``insert`` (append), ``upsert`` (merge on the primary
        key: matched rows updated, others inserted) or ``overwrite`` (replace all).
        ``data`` is a table, or a stream of batches (written or merged as it is read)."""
        with self.lock():
            return self._write(data, mode, primary_key, partition_by, change_data_feed)

    def _write(
        self,
        data: pa.Table | pa.RecordBatchReader,
        mode: str,
        primary_key: list[str] | None,
        partition_by: list[str] | None,
        change_data_feed: bool,
    ) -> WriteResult:
        if not self.exists():
            if self.is_local:
                Path(self.path).mkdir(parents=True, exist_ok=True)
            counted = _Counted(data)
            write_deltalake(
                self.path,
                counted.source,
                mode="append",
                partition_by=partition_by or None,
                configuration={CHANGE_DATA_FEED: "true" if change_data_feed else "false"},
                storage_options=self.storage_options,
            )
            return WriteResult(self.latest_version() or 0, counted.rows, 0, 0)
        table = self.delta()
        target = pa.schema(table.schema().to_arrow())
        counted = _Counted(_conform(data, target))
        if mode == "overwrite":
            before = table.count()
            write_deltalake(table, counted.source, mode="overwrite")
            return WriteResult(self.delta().version(), counted.rows, 0, before)
        if mode == "upsert" and primary_key:
            predicate = " AND ".join(f"t.{_quote(k)} = s.{_quote(k)}" for k in primary_key)
            metrics = (
                table.merge(counted.source, predicate=predicate, source_alias="s", target_alias="t")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute()
            )
            return WriteResult(
                self.delta().version(),
                int(metrics.get("num_target_rows_inserted", 0)),
                int(metrics.get("num_target_rows_updated", 0)),
                int(metrics.get("num_target_rows_deleted", 0)),
            )
        write_deltalake(table, counted.source, mode="append")
        return WriteResult(self.delta().version(), counted.rows, 0, 0)

    def commit_files(
        self,
        files: list[WrittenFile],
        *,
        schema: pa.Schema,
        overwrite: bool = False,
        partition_by: list[str] | None = None,
        change_data_feed: bool = True,
    ) -> WriteResult:
        """One commit adding ``files`` (already written into the table folder, e.g. by
        Spark's executors): appended, or replacing everything with ``overwrite``. A table
        not yet made is created first (its own, empty, commit)."""
        rows = sum(f.rows for f in files)
        with self.lock():
            if not self.exists():
                DeltaTable.create(
                    self.path,
                    schema,
                    partition_by=partition_by or None,
                    configuration={CHANGE_DATA_FEED: "true" if change_data_feed else "false"},
                    storage_options=self.storage_options,
                )
            table = self.delta()
            before = table.count() if overwrite else 0
            if not files and not overwrite:
                return WriteResult(table.version(), 0, 0, 0)
            actions = [
                AddAction(
                    path=f.path,
                    size=f.size,
                    partition_values=f.partition_values,
                    modification_time=f.modification_time,
                    data_change=True,
                    stats=f.stats,
                )
                for f in files
            ]
            table.create_write_transaction(
                actions,
                mode="overwrite" if overwrite else "append",
                schema=pa.schema(table.schema().to_arrow()),
                partition_by=partition_by or None,
                commit_properties=CommitProperties(custom_metadata={"rowsInserted": str(rows)}),
            )
            return WriteResult(self.delta().version(), rows, 0, before)

    def restore(self, version: int) -> None:
        """Make ``version``'s content the latest again (undoes commits after it)."""
        with self.lock():
            self.delta().restore(version)

    # -- reading ------------------------------------------------------------------

    def read(self, version: int) -> pa.Table:
        return pa.table(self.delta(version).to_pyarrow_table())

    def dataset(self, version: int) -> pads.Dataset:
        """``version``'s rows as an Arrow dataset, scanned lazily (DuckDB reads it)."""
        return self.delta(version).to_pyarrow_dataset()

    def files(self, version: int) -> list[str]:
        """The Parquet files holding ``version``'s rows (what Spark or DuckDB read):
        local paths, or ``webhdfs://`` URIs on HDFS."""
        return list(self.delta(version).file_uris())

    def committed_bytes(self, version: int) -> int:
        """The size of ``version``'s Parquet files, from the Delta log (no file read)."""
        adds = pa.table(self.delta(version).get_add_actions(flatten=True))
        return int(sum(adds.column("size_bytes").to_pylist())) if adds.num_rows else 0

    def ordered_files(self, version: int) -> list[str]:
        """``files(version)`` in write order: oldest data file first (by the add
        action's modification time, then by Delta's log order, which lists newer
        files first)."""
        return _ordered(self.delta(version))

    def scan_files(self, version: int) -> list[str] | None:
        """``ordered_files(version)`` as local paths, for a reader that scans the files
        itself and numbers rows by (file, row in file) for write order; None for a
        partitioned table, whose partition values are not in its files, and for a table
        on HDFS (DuckDB cannot open ``webhdfs://``)."""
        table = self.delta(version)
        if table.metadata().partition_columns or not self.is_local:
            return None
        return [uri.removeprefix("file://") for uri in _ordered(table)]

    def read_ordered(self, version: int, columns: list[str], seq: str) -> pa.Table:
        """``columns`` of ``version`` with a ``seq`` column numbering the rows in write
        order: ``file rank * 2**32 + row in file``. Partitioned tables (whose partition
        values are not in the files) are read whole, numbered in Delta's row order."""
        table = self.delta(version)
        if table.metadata().partition_columns:
            data = self.read(version).select(columns)
            return data.append_column(seq, pa.array(np.arange(data.num_rows, dtype=np.int64)))
        filesystem = None if self.is_local else self.filesystem()
        parts = []
        for rank, uri in enumerate(_ordered(table)):
            if filesystem is None:
                part = pq.read_table(uri.removeprefix("file://"), columns=columns)
            else:  # a file object: pyarrow's path discovery crashes delta-rs's handler
                with filesystem.open_input_file(self.relative(uri)) as handle:
                    part = pq.ParquetFile(handle).read(columns=columns)
            numbers = np.arange(part.num_rows, dtype=np.int64) + (rank << 32)
            parts.append(part.append_column(seq, pa.array(numbers)))
        if not parts:
            return (
                self.read(version).select(columns).append_column(seq, pa.array([], type=pa.int64()))
            )
        return pa.concat_tables(parts, promote_options="permissive")

    def changes(self, versions: list[int], columns: list[str], seq: str | None = None) -> pa.Table:
        """The rows the commits at ``versions`` inserted or updated (their new values),
        from Delta's change data feed, oldest commit first; with ``seq``, numbered
        ``version * 2**32 + row`` (later commits' rows count as written later)."""
        if not versions:
            raise ValueError("changes() needs at least one version")
        table = self.delta()
        parts = []
        for first, last in _runs(sorted(set(versions))):
            try:
                if not self.has_change_data(first):  # delta-rs would read adds as inserts
                    raise FeatureStoreException("no change data")
                reader = table.load_cdf(
                    starting_version=first, ending_version=last, columns=[*columns, *_CDF_COLUMNS]
                )
            except Exception as error:  # delta-rs raises its own error types here
                if "change data" not in str(error).lower():
                    raise
                raise FeatureStoreException(
                    f"the table at {self.path} has no change data feed for versions "
                    f"{first}-{last} (written before incremental reads were offered, or with "
                    "write_options={'delta.enableChangeDataFeed': 'false'}): read it with "
                    "as_of(wallclock_time) alone, or insert into a new version"
                ) from None
            parts.append(pa.table(reader.read_all()))
        data = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        stored = pa.schema(table.schema().to_arrow())
        # The feed's strings come as string_view: back to the table's own types first.
        result = data.select(columns).cast(pa.schema([stored.field(c) for c in columns]))
        kinds = data.column("_change_type").to_pylist()
        commits = np.asarray(data.column("_commit_version").to_pylist(), dtype=np.int64)
        keep = np.flatnonzero([k in CHANGED for k in kinds])
        keep = keep[np.argsort(commits[keep], kind="stable")]  # oldest commit first
        result = result.take(pa.array(keep, type=pa.int64()))
        if seq is not None:
            rows = np.arange(len(keep), dtype=np.int64)
            result = result.append_column(seq, pa.array((commits[keep] << 32) + rows))
        return result

    # -- files --------------------------------------------------------------------

    def filesystem(self) -> Any:
        """A pyarrow filesystem rooted at the table folder (delta-rs's own I/O)."""
        from deltalake.fs import DeltaStorageHandler
        from pyarrow.fs import PyFileSystem

        return PyFileSystem(DeltaStorageHandler(self.path, self.storage_options))

    def relative(self, uri: str) -> str:
        """A file URI of this table as a path relative to its root."""
        root = self.path.rstrip("/") + "/"
        if uri.startswith(root):
            return uri[len(root) :]
        plain = uri.removeprefix("file://")
        return posixpath.relpath(plain, self.path) if plain.startswith("/") else uri

    def remove_files(self, names: Iterable[str]) -> None:
        """Delete files (relative to the table root) that no commit references, e.g.
        the parts of a Spark write that failed; missing ones are skipped."""
        names = list(names)
        if not names:
            return
        if self.is_local:
            for name in names:
                Path(self.path, name).unlink(missing_ok=True)
            return
        filesystem = self.filesystem()
        for name in names:
            with contextlib.suppress(FileNotFoundError, OSError):
                filesystem.delete_file(name)

    def list_files(self, folder: str = "", recursive: bool = False) -> list[str]:
        """Files in ``folder`` of the table (paths relative to the table root), and with
        ``recursive`` in its sub-folders. Folders are walked one listing at a time:
        delta-rs's recursive WebHDFS listing lists a folder inside itself, forever."""
        from pyarrow.fs import FileSelector, FileType, LocalFileSystem

        filesystem = LocalFileSystem() if self.is_local else self.filesystem()
        found: list[str] = []
        pending = [folder.strip("/")]
        while pending:
            current = pending.pop()
            base = posixpath.join(self.path, current) if self.is_local else current
            selector = FileSelector(base, allow_not_found=True, recursive=False)
            for info in filesystem.get_file_info(selector):
                path = posixpath.relpath(info.path, self.path) if self.is_local else info.path
                if path.strip("/") in ("", current, "."):
                    continue  # the folder itself
                if info.type == FileType.File:
                    found.append(path)
                elif info.type == FileType.Directory and recursive:
                    pending.append(path.strip("/"))
        return sorted(found)

    def remove_folder(self, folder: str, only_if_empty: bool = False) -> None:
        """Delete ``folder`` of the table with what it holds (only when it holds nothing,
        with ``only_if_empty``); a missing one is skipped."""
        if self.is_local:
            path = Path(self.path, folder)
            if only_if_empty:
                with contextlib.suppress(OSError):
                    path.rmdir()
            else:
                shutil.rmtree(path, ignore_errors=True)
            return
        if self.store is not None and self.location:  # HDFS folders: through the store
            relative = posixpath.join(self.location, folder)
            if not self.store.exists(relative):
                return
            if only_if_empty and self.store.list(relative):
                return
            self.store.delete(relative, recursive=True)
            return
        with contextlib.suppress(FileNotFoundError, OSError):
            self.filesystem().delete_dir(folder)

    def drop(self) -> None:
        if self.is_local:
            shutil.rmtree(self.path, ignore_errors=True)
        elif self.store is not None and self.location and self.store.exists(self.location):
            self.store.delete(self.location, recursive=True)


class _Counted:
    """A table or a stream of batches handed to delta-rs, counting the rows it reads."""

    def __init__(self, data: pa.Table | pa.RecordBatchReader) -> None:
        self.rows = 0
        if isinstance(data, pa.Table):
            self.rows = data.num_rows
            self.source: pa.Table | pa.RecordBatchReader = data
            return

        def batches() -> Iterable[pa.RecordBatch]:
            for batch in data:
                self.rows += batch.num_rows
                yield batch

        self.source = pa.RecordBatchReader.from_batches(data.schema, batches())


def _conform(data: pa.Table | pa.RecordBatchReader, target: pa.Schema) -> Any:
    """``data`` with the table's column order and types."""
    if isinstance(data, pa.Table):
        return data.select(target.names).cast(target)
    return pa.RecordBatchReader.from_batches(
        target, (b.select(target.names).cast(target) for b in data)
    )


def _runs(versions: list[int]) -> list[tuple[int, int]]:
    """Sorted versions as runs of consecutive ones: ``[1, 2, 3, 7]`` -> ``[(1, 3), (7, 7)]``."""
    runs: list[tuple[int, int]] = []
    for version in versions:
        if runs and runs[-1][1] == version - 1:
            runs[-1] = (runs[-1][0], version)
        else:
            runs.append((version, version))
    return runs


def _ordered(table: DeltaTable) -> list[str]:
    """The table's file URIs, oldest data file first (see ``ordered_files``)."""
    uris = list(table.file_uris())
    adds = pa.table(table.get_add_actions(flatten=True)).to_pydict()
    written = dict(zip(adds["path"], adds["modification_time"], strict=True))
    position = {uri: i for i, uri in enumerate(uris)}

    def when(uri: str) -> tuple[int, int]:
        relative = next((p for p in written if uri.endswith(p)), None)
        return (_ms(written.get(relative, 0)) if relative else 0, -position[uri])

    return sorted(uris, key=when)


def _ms(value: Any) -> int:
    """An add action's modification time as epoch ms (delta-rs gives a datetime or ms)."""
    if hasattr(value, "timestamp"):
        return int(value.timestamp() * 1000)
    return int(value or 0)


def now_ms() -> int:
    return int(time.time() * 1000)
