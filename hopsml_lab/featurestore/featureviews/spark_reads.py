"""A materialised training dataset's split folder read by Spark: the executors read the
files, the driver only lists them (``td_files.part_files``: names, no rows).

* Parquet and CSV / TSV: ``spark.read`` on the files' Spark address (``spark_url``): a
  ``file://`` path in a local project, ``webhdfs://<gateway host>/<path>`` on HDFS (Spark's
  ``WebHdfsFileSystem``, as the feature groups' Spark reads reach their tables), then each
  column cast to the type its recorded pandas dtype maps to (``spark_schema``). Text is
  parsed as pandas wrote it (header, ``"``-quoted, doubled quotes, empty = missing).
* TFRecord, and Parquet holding nanosecond timestamps (pandas' ``datetime64[ns]``, which
  Spark cannot read): Spark has no reader, so one task per file decodes it with the
  decoders of the pandas path (``td_files``), reading it through the project's store.

Either way the frame has the recorded columns in their order, typed as ``spark_schema``
says, and collected (``spark_training.collect``) equals what the pandas path reads.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from ...store import LocalStore
from ..featuregroups.table import table_location
from ..types import restore_dtypes
from .td_files import _READERS, _local, _restore, normal_format, part_files

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType

    from ...store import Store


def spark_url(store: Store, path: str) -> str:
    """The address Spark reads the project path ``path`` at."""
    if isinstance(store, LocalStore):
        return "file://" + store.url(path)
    return table_location(store, path)[0]


def _arrow_type(dtype: str) -> pa.DataType:
    """The Arrow type a column of pandas dtype ``dtype`` holds (text for objects)."""
    try:
        found = pa.Schema.from_pandas(pd.DataFrame({"c": pd.Series([], dtype=dtype)})).field(0)
    except (TypeError, ValueError, pa.ArrowException):
        return pa.string()
    kind = found.type
    if pa.types.is_null(kind) or pa.types.is_large_string(kind):
        return pa.string()
    if pa.types.is_timestamp(kind):
        return pa.timestamp("us", kind.tz)
    if pa.types.is_dictionary(kind):
        return kind.value_type
    return kind


def spark_type(dtype: str) -> DataType:
    """The Spark type of a recorded pandas dtype: naive times as ``timestamp_ntz`` (as
    the Spark path's frames have them), zoned ones as ``timestamp``."""
    from pyspark.sql.pandas.types import from_arrow_type

    return from_arrow_type(_arrow_type(dtype), prefer_timestamp_ntz=True)


def spark_schema(dtypes: dict[str, str]) -> StructType:
    from pyspark.sql.types import StructField, StructType

    return StructType([StructField(n, spark_type(t), True) for n, t in dtypes.items()])


@dataclass(frozen=True)
class FileDecoder:
    """Runs on the executors: the files of the task's numbers, decoded as the pandas
    path decodes them, as Arrow batches of ``schema``."""

    store: Store
    files: tuple[str, ...]
    fmt: str
    dtypes: dict[str, str]
    schema: pa.Schema

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for index in batch.column(0).to_pylist():
                yield from self._decode(self.files[index])

    def _decode(self, path: str) -> Iterator[pa.RecordBatch]:
        local = _local(self.store, path)
        source = local if local is not None else io.BytesIO(self.store.read_bytes(path))
        frame = _restore(_READERS[self.fmt](source, self.dtypes), dict(self.dtypes))
        table = pa.Table.from_pandas(frame, preserve_index=False)
        columns = [
            table.column(n).cast(f.type, safe=False)  # Spark keeps microseconds
            for n, f in zip(self.dtypes, self.schema, strict=True)
        ]
        yield from pa.Table.from_arrays(columns, schema=self.schema).to_batches()


def _decoded(
    session: SparkSession, store: Store, files: list[str], fmt: str, dtypes: dict[str, str]
) -> DataFrame:
    from pyspark.sql.pandas.types import to_arrow_schema

    schema = spark_schema(dtypes)
    decoder = FileDecoder(store, tuple(files), fmt, dict(dtypes), to_arrow_schema(schema))
    numbers = session.range(0, len(files), 1, len(files))  # one task per file
    return numbers.mapInArrow(decoder, schema)


def _nanoseconds(dtypes: dict[str, str]) -> bool:
    return any(t.startswith("datetime64[ns") for t in dtypes.values())


def read_spark(
    session: SparkSession, store: Store, folder: str, data_format: str, dtypes: dict[str, str]
) -> DataFrame:
    """The rows of one split folder (a project path) as a lazy Spark frame (see the
    module)."""
    from pyspark.sql import functions as F

    fmt = normal_format(data_format)
    files = part_files(store, folder, fmt)
    if fmt == "tfrecord" or (fmt == "parquet" and _nanoseconds(dtypes)):
        return _decoded(session, store, files, fmt, dtypes)
    schema = spark_schema(dtypes)
    urls = [spark_url(store, p) for p in files]
    if fmt == "parquet":
        frame = session.read.parquet(*urls)
    else:
        frame = session.read.csv(
            urls,
            schema=schema,
            sep="," if fmt == "csv" else "\t",
            header=True,
            enforceSchema=False,  # the header's names are checked against the schema
            quote='"',
            escape='"',
            multiLine=True,
            positiveInf="inf",
            negativeInf="-inf",
            mode="FAILFAST",
        )
    return frame.select(
        *[
            F.col("`" + f.name.replace("`", "``") + "`").cast(f.dataType).alias(f.name)
            for f in schema
        ]
    )


def collect(frame: DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """A Spark frame on the driver as pandas, with the dtypes the pandas path gives."""
    return restore_dtypes(frame.toArrow().to_pandas(), dtypes)
