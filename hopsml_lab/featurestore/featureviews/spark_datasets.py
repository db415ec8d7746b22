"""hsfs 3.x training datasets (``datasets``) on Spark: saved, inserted into and read by
the executors; no row comes to the driver.

* ``save_spark``: a query (run as a Spark plan) or a Spark DataFrame, randomly split
  (``spark_splits``) and written by the executors (``spark_files.write_spark``).
* ``insert_spark``: hsfs' ``td.insert(features, overwrite)``. The new rows are split as
  the version splits (its fractions and seed) and written by the executors, with the
  encoders and the staging folder of ``spark_files``: ``overwrite=True`` replaces the
  dataset's folder (``td_files.publish``: old files or new, never a mix); an append
  adds part files beside the existing ones (``spark_files.append_spark``) and rewrites
  none, so its rows must have the version's columns and Spark types. When the version
  keeps statistics they are computed again over all its rows, read back by the
  executors (``spark_reads``), as hsfs' ``compute_statistics`` reads the dataset after
  an insert.
* ``read_dataset_spark``: one split folder as a lazy Spark frame (``spark_reads``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any

from ...catalog import LineageEntry, TrainingDatasetRecord
from ..errors import BadFeatureInput
from ..featuregroups.statistics import StatisticsOptions
from ..query.spark_query import run_spark
from ..transformations.spark_apply import Layout, pandas_dtypes
from .dataset_parts import Written, check_label
from .spark_files import append_spark, write_spark
from .spark_reads import read_spark, spark_schema
from .spark_splits import SPLIT, labelled
from .spark_statistics import describe
from .spark_training import materialize
from .training_parts import SPARK
from .views import ReadRequest

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from ...catalog import SplitSpec
    from .dataset_parts import DatasetsHost


@dataclass
class SparkRows:
    """The rows of a ``save`` / ``insert`` source as a Spark frame, and what the
    version records of them."""

    frame: DataFrame
    lineage: list[LineageEntry]
    query: dict[str, Any] | None
    dtypes: dict[str, str]


def spark_rows(datasets: DatasetsHost, source: Any, name: str, label: list[str]) -> SparkRows:
    """A query spec (run as a Spark plan, its lineage and spec kept) or a Spark frame
    (hsfs' column names), with the label checked."""
    from ..featuregroups.spark_insert import normalise_spark
    from ..query.plan import QuerySpec

    lineage: list[LineageEntry] = []
    query = None
    known: dict[str, str] = {}
    if isinstance(source, QuerySpec):
        view, query = datasets.query_view(source, name, label)
        plan, lineage = datasets.views.plan(view, ReadRequest(with_label=True))
        session = datasets.training.lab.spark.session()
        frame = run_spark(session, datasets.views.groups, plan)
        known = plan.dtypes
    else:
        frame = normalise_spark(source)
    check_label(label, list(frame.columns))
    return SparkRows(frame, lineage, query, pandas_dtypes(frame.schema, known))


def _folders(name: str, specs: list[SplitSpec]) -> tuple[dict[str, str], list[str]]:
    """Split name -> folder, and the names statistics describe (``[""]`` unsplit)."""
    return {s.name: s.name for s in specs} or {"": name}, [s.name for s in specs] or [""]


def save_spark(
    datasets: DatasetsHost,
    source: Any,
    name: str,
    label: list[str],
    specs: list[SplitSpec],
    seed: int | None,
    location: str,
    fmt: str,
    statistics: StatisticsOptions | None,
) -> Written:
    """An hsfs 3.x ``td.save`` of a query or a Spark DataFrame, written by the
    executors: randomly split (``spark_splits``), no transformations."""
    rows = spark_rows(datasets, source, name, label)
    split = labelled(rows.frame, specs, seed, None)
    folders, names = _folders(name, specs)
    store = datasets.training.lab.store
    transform = (None, Layout(split.schema, rows.dtypes))
    stats = materialize(
        store, location, split, transform, folders, fmt, rows.dtypes, statistics, names
    )
    return Written(rows.dtypes, rows.lineage, rows.query, stats, on_spark=True)


def _appendable(record: TrainingDatasetRecord, frame: DataFrame) -> DataFrame:
    """``frame``'s columns in the version's order; other columns or types are refused
    (the new part files must read back with the old ones)."""
    want = spark_schema(record.settings.get("dtypes", {}))
    got = {f.name: f.dataType for f in frame.schema.fields}
    if set(got) != set(want.names):
        raise BadFeatureInput(
            f"the rows have columns {sorted(got)} but training dataset {record.name!r} "
            f"version {record.version} has {sorted(want.names)}: select the same features, "
            "or insert with overwrite=True to replace its rows"
        )
    for field in want.fields:
        if got[field.name] != field.dataType:
            raise BadFeatureInput(
                f"column {field.name!r} is {field.dataType.simpleString()} in training "
                f"dataset {record.name!r} version {record.version} but "
                f"{got[field.name].simpleString()} here: cast it, or insert with "
                "overwrite=True to replace its rows"
            )
    return frame.select(*want.names)


def _statistics(
    datasets: DatasetsHost, record: TrainingDatasetRecord, dtypes: dict[str, str]
) -> dict[str, Any] | None:
    """The statistics of every row of the version, when it keeps them."""
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    options = record.settings.get("statistics_config")
    if options is None or not StatisticsOptions(**options).enabled:
        return None
    _, names = _folders(record.name, record.splits)
    parts = [
        read_dataset_spark(datasets, record, name or None, dtypes).withColumn(SPLIT, F.lit(name))
        for name in names
    ]
    return describe(reduce(DataFrame.unionByName, parts), names, StatisticsOptions(**options))


def insert_spark(
    datasets: DatasetsHost, record: TrainingDatasetRecord, source: Any, overwrite: bool
) -> TrainingDatasetRecord:
    """hsfs' ``td.insert`` on Spark (see the module)."""
    rows = spark_rows(datasets, source, record.name, record.label)
    frame, dtypes, lineage = rows.frame, rows.dtypes, rows.lineage
    if not overwrite:
        frame = _appendable(record, frame)
        dtypes = dict(record.settings.get("dtypes", {}))
        lineage = list(record.lineage) + lineage
    split = labelled(frame, record.splits, record.seed, None)
    folders, _ = _folders(record.name, record.splits)
    store = datasets.training.lab.store
    location, fmt = record.location or "", record.data_format
    added: list[str] = []
    if overwrite:
        write_spark(store, location, split, folders, fmt, dtypes)
    else:
        _, added = append_spark(store, location, split, folders, fmt, dtypes)
    try:
        stats = _statistics(datasets, record, dtypes)
        return datasets.catalog.update_training_dataset(
            record.id,
            lineage=lineage,
            settings={**record.settings, "dtypes": dtypes, "split_engine": SPARK},
            statistics=stats,
        )
    except BaseException:
        for path in added:  # the append is undone: the version stays as recorded
            store.delete(path)
        raise


def read_dataset_spark(
    datasets: DatasetsHost,
    record: TrainingDatasetRecord,
    split: str | None,
    dtypes: dict[str, str] | None = None,
) -> DataFrame:
    """One split (or, unsplit, all rows) of a version, read by the executors."""
    folder = f"{record.location or ''}/{split or record.name}"
    lab = datasets.training.lab
    wanted = record.settings.get("dtypes", {}) if dtypes is None else dtypes
    return read_spark(lab.spark.session(), lab.store, folder, record.data_format, wanted)
