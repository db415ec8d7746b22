"""A feature group's Delta table (delta-rs): atomic commits, versions, Parquet files.

Every write is one Delta commit; its row counts come from Delta's own operation metrics.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake


@dataclass(frozen=True)
class WriteResult:
    table_version: int
    inserted: int
    updated: int
    deleted: int


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DeltaFeatureTable:
    """The Delta table in a local folder (``<project>/FeatureStore/<name>_<version>``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)

    def exists(self) -> bool:
        return DeltaTable.is_deltatable(self.path)

    def latest_version(self) -> int | None:
        return DeltaTable(self.path).version() if self.exists() else None

    def schema(self) -> pa.Schema:
        return pa.schema(DeltaTable(self.path).schema().to_arrow())

    def write(
        self,
        data: pa.Table,
        *,
        mode: str,
        primary_key: list[str] | None = None,
        partition_by: list[str] | None = None,
    ) -> WriteResult:
        """One commit: ``mode`` is ``insert`` (append), ``upsert`` (merge on the primary
        key: matched rows updated, others inserted) or ``overwrite`` (replace all)."""
        if not self.exists():
            Path(self.path).mkdir(parents=True, exist_ok=True)
            write_deltalake(self.path, data, mode="append", partition_by=partition_by or None)
            return WriteResult(self.latest_version() or 0, data.num_rows, 0, 0)
        table = DeltaTable(self.path)
        target = pa.schema(table.schema().to_arrow())
        data = data.select(target.names).cast(target)
        if mode == "overwrite":
            before = table.count()
            write_deltalake(table, data, mode="overwrite")
            return WriteResult(DeltaTable(self.path).version(), data.num_rows, 0, before)
        if mode == "upsert" and primary_key:
            predicate = " AND ".join(f"t.{_quote(k)} = s.{_quote(k)}" for k in primary_key)
            metrics = (
                table.merge(data, predicate=predicate, source_alias="s", target_alias="t")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute()
            )
            return WriteResult(
                DeltaTable(self.path).version(),
                int(metrics.get("num_target_rows_inserted", 0)),
                int(metrics.get("num_target_rows_updated", 0)),
                int(metrics.get("num_target_rows_deleted", 0)),
            )
        write_deltalake(table, data, mode="append")
        return WriteResult(DeltaTable(self.path).version(), data.num_rows, 0, 0)

    def restore(self, version: int) -> None:
        """Make ``version``'s content the latest again (undoes commits after it)."""
        DeltaTable(self.path).restore(version)

    def read(self, version: int) -> pa.Table:
        return pa.table(DeltaTable(self.path, version=version).to_pyarrow_table())

    def files(self, version: int) -> list[str]:
        """The Parquet files holding ``version``'s rows (what Spark or DuckDB read)."""
        return list(DeltaTable(self.path, version=version).file_uris())

    def ordered_files(self, version: int) -> list[str]:
        """``files(version)`` in write order: oldest data file first (by the add
        action's modification time, then by Delta's log order, which lists newer
        files first)."""
        return _ordered(DeltaTable(self.path, version=version))

    def scan_files(self, version: int) -> list[str] | None:
        """``ordered_files(version)`` as local paths, for a reader that scans the files
        itself and numbers rows by (file, row in file) for write order; None for a
        partitioned table, whose partition values are not in its files."""
        table = DeltaTable(self.path, version=version)
        if table.metadata().partition_columns:
            return None
        return [uri.removeprefix("file://") for uri in _ordered(table)]

    def read_ordered(self, version: int, columns: list[str], seq: str) -> pa.Table:
        """``columns`` of ``version`` with a ``seq`` column numbering the rows in write
        order: ``file rank * 2**32 + row in file``. Partitioned tables (whose partition
        values are not in the files) are read whole, numbered in Delta's row order."""
        if DeltaTable(self.path, version=version).metadata().partition_columns:
            data = self.read(version).select(columns)
            return data.append_column(seq, pa.array(np.arange(data.num_rows, dtype=np.int64)))
        parts = []
        for rank, uri in enumerate(self.ordered_files(version)):
            part = pq.read_table(uri.removeprefix("file://"), columns=columns)
            numbers = np.arange(part.num_rows, dtype=np.int64) + (rank << 32)
            parts.append(part.append_column(seq, pa.array(numbers)))
        if not parts:
            return (
                self.read(version).select(columns).append_column(seq, pa.array([], type=pa.int64()))
            )
        return pa.concat_tables(parts, promote_options="permissive")

    def drop(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _ordered(table: DeltaTable) -> list[str]:
    """The table's file URIs, oldest data file first (see ``ordered_files``)."""
    uris = list(table.file_uris())
    adds = pa.table(table.get_add_actions(flatten=True)).to_pydict()
    written = dict(zip(adds["path"], adds["modification_time"], strict=True))
    position = {uri: i for i, uri in enumerate(uris)}

    def when(uri: str) -> tuple[int, int]:
        relative = next((p for p in written if uri.endswith(p)), None)
        return (written.get(relative, 0) if relative else 0, -position[uri])

    return sorted(uris, key=when)
