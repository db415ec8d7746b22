"""The rows an insert writes, as ``FeatureGroups.insert`` uses them (``Source``), and
rows in memory (``ArrowSource``: a pandas frame converted once, or a small Spark frame
collected). ``ingest.prepare_input`` picks the source; ``spark_insert`` holds Spark's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd
import pyarrow as pa

from ..errors import BadFeatureInput

if TYPE_CHECKING:
    from ...catalog import FeatureGroupRecord
    from .table import DeltaFeatureTable, WriteResult

NULL_KEYS = "primary key {keys} has empty values: fill or drop those rows"
DUPLICATE_KEYS = (
    "the frame has several rows per primary key {keys}: an upsert needs one row per key "
    "(drop_duplicates(subset=...) first)"
)


class Source(Protocol):
    """Rows to insert, as ``FeatureGroups.insert`` uses them."""

    types: dict[str, tuple[str, str]]  # column -> (hsfs type, pandas dtype), in order

    def check_primary_key(self, group: FeatureGroupRecord, operation: str) -> None: ...

    def write(
        self,
        table: DeltaFeatureTable,
        *,
        mode: str,
        primary_key: list[str],
        partition_by: list[str],
        change_data_feed: bool,
    ) -> WriteResult: ...

    def rows_written(
        self, table: DeltaFeatureTable, result: WriteResult, wanted: bool
    ) -> pa.Table: ...

    def rows(self) -> pa.Table:
        """All rows in memory, keys checked (an online-only insert writes no table)."""
        ...

    def validation_data(self) -> Any:
        """The rows as ``validation.validate`` reads them, before any write: the Arrow
        table in memory, or the Spark DataFrame itself (validated by Spark in one pass)."""
        ...


def is_spark_frame(frame: Any) -> bool:
    """A PySpark DataFrame (classic or Spark Connect), told apart without importing Spark."""
    module = type(frame).__module__
    return module.startswith("pyspark.sql") and type(frame).__name__ == "DataFrame"


def check_arrow_keys(data: pa.Table, keys: list[str], operation: str) -> None:
    """Refuse empty key values, and for an upsert several rows of one key."""
    if not keys:
        return
    selected = data.select(keys)
    if any(column.null_count for column in selected.columns):
        raise BadFeatureInput(NULL_KEYS.format(keys=keys))
    if operation == "upsert" and _distinct(selected) < data.num_rows:
        raise BadFeatureInput(DUPLICATE_KEYS.format(keys=keys))


def _distinct(keys: pa.Table) -> int:
    """How many distinct key values (or combinations) ``keys`` has."""
    if keys.num_columns == 1:
        import pyarrow.compute as pc

        return int(pc.count_distinct(keys.column(0)).as_py())
    return keys.group_by(keys.column_names).aggregate([]).num_rows


class ArrowSource:
    """Rows in memory (a pandas frame converted once, or a small Spark frame collected)."""

    def __init__(
        self,
        data: pa.Table,
        types: dict[str, tuple[str, str]],
        frame: pd.DataFrame | None = None,
    ) -> None:
        self.data = data
        self.types = types
        self._frame = frame

    def check_primary_key(self, group: FeatureGroupRecord, operation: str) -> None:
        check_arrow_keys(self.data, group.primary_key, operation)

    def write(
        self,
        table: DeltaFeatureTable,
        *,
        mode: str,
        primary_key: list[str],
        partition_by: list[str],
        change_data_feed: bool,
    ) -> WriteResult:
        return table.write(
            self.data,
            mode=mode,
            primary_key=primary_key,
            partition_by=partition_by,
            change_data_feed=change_data_feed,
        )

    def rows_written(self, table: DeltaFeatureTable, result: WriteResult, wanted: bool) -> pa.Table:
        return self.data

    def rows(self) -> pa.Table:
        return self.data  # keys checked by check_primary_key

    def validation_data(self) -> pa.Table:
        return self.data
