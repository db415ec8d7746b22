"""Training data made by Spark, on the executors: no row comes to the driver unless a
pandas answer is asked for (``collect``).

The view's query runs as a Spark plan (``spark_query``), read with primary keys, event
times and training helper columns (what a materialised dataset holds, and what the
random split hashes); each row gets its split (``spark_splits``); the transformations
are fitted on the train rows with Spark aggregates (``transformations.spark_stats``)
and applied on the executors (``transformations.spark_apply``); then either

* files: the executors write every split in one job (``spark_files``), or
* frames: the transformed rows, persisted as hsfs' Spark engine caches its splits, one
  lazy DataFrame per split, without the columns the caller did not ask for.

The split statistics are computed by Spark as well (``spark_statistics``), from the
persisted rows. A materialised version is read back by the executors too
(``spark_reads``). The version records ``split_engine: "spark"`` so that reading it again
(in memory) splits it the same way: on Spark, with its seed, at its lineage's commits,
with its fitted statistics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...catalog import FeatureViewRecord, LineageEntry, TrainingDatasetRecord
from ..query.spark_query import run_spark
from ..transformations.spark_apply import (
    ArrowTransform,
    Layout,
    apply_spark,
    transformation,
)
from ..transformations.spark_stats import fit_spark
from . import view_transforms
from .spark_files import write_spark
from .spark_reads import read_spark
from .spark_splits import SPLIT, labelled
from .spark_statistics import describe
from .splits import TIME_SERIES_SPLIT, TRAIN
from .td_files import remove_dataset
from .training_parts import HOPSFS, SPARK, Columns, Made
from .view_spec import predicate_from_json
from .views import SPLIT_TIME, ReadRequest

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from ...store import Store
    from ..featuregroups.statistics import StatisticsOptions
    from ..transformations.engine import BoundTransform
    from .training_parts import TrainingHost

Transformation = tuple["ArrowTransform | None", Layout]


def apply(frame: DataFrame, transform: Transformation) -> DataFrame:
    """``frame`` transformed on the executors (lazily)."""
    run, shape = transform
    return frame if run is None else frame.mapInArrow(run, shape.schema)


def materialize(
    store: Store,
    location: str,
    frame: DataFrame,
    transform: Transformation,
    folders: dict[str, str],
    data_format: str,
    dtypes: dict[str, str],
    statistics: StatisticsOptions | None,
    names: list[str],
) -> dict[str, Any] | None:
    """Write the files of ``frame``'s labelled rows (transformed and written in one
    pass) and, when asked, describe the splits ``names`` (then from the transformed
    rows, persisted while they are written)."""
    from pyspark import StorageLevel

    run, shape = transform
    if statistics is None or not statistics.enabled:
        chained = None if run is None else (run, shape.schema)
        write_spark(store, location, frame, folders, data_format, dtypes, chained)
        return None
    transformed = apply(frame, transform).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        write_spark(store, location, transformed, folders, data_format, dtypes)
        return describe(transformed, names, statistics)
    finally:
        transformed.unpersist()


class SparkTraining:
    """The Spark path of ``TrainingData``."""

    def __init__(self, training: TrainingHost) -> None:
        self.training = training
        self.views = training.views
        self.lab = training.lab

    # -- the rows ---------------------------------------------------------------------

    def _labelled(
        self, view: FeatureViewRecord, record: TrainingDatasetRecord, pins: dict[int, int | None]
    ) -> tuple[DataFrame, list[LineageEntry], dict[str, str]]:
        """The view's rows (every key, time and helper column) with their split, the
        commits read and the dtypes the features were inserted with."""
        settings = record.settings
        timed = bool(record.splits) and record.splits[0].split_type == TIME_SERIES_SPLIT
        request = ReadRequest(
            with_label=True,
            primary_keys=True,
            event_time=True,
            training_helpers=True,
            start_ms=settings.get("start_time"),
            end_ms=settings.get("end_time"),
            extra_filter=predicate_from_json(settings.get("extra_filter")),
            split_time=timed,
            pins=pins,
        )
        plan, lineage = self.views.plan(view, request)
        frame = run_spark(self.lab.spark.session(), self.views.groups, plan)
        frame = labelled(frame, record.splits, record.seed, SPLIT_TIME if timed else None)
        return frame, lineage, plan.dtypes

    def _unasked(self, view: FeatureViewRecord, columns: Columns) -> set[str]:
        """The key, time and helper columns read that the caller did not ask for."""
        every, _ = self.views.plan(
            view,
            ReadRequest(primary_keys=True, event_time=True, training_helpers=True),
        )
        asked, _ = self.views.plan(
            view,
            ReadRequest(
                with_label=True,
                primary_keys=columns.primary_keys,
                event_time=columns.event_time,
                training_helpers=columns.training_helpers,
            ),
        )
        return {o[2] for o in every.outputs} - {o[2] for o in asked.outputs}

    @staticmethod
    def _fit(
        bound: list[BoundTransform], frame: DataFrame, splits: list[Any], dtypes: dict[str, str]
    ) -> dict[str, Any] | None:
        """The transformation statistics, fitted on the train rows (or all of them)."""
        from pyspark.sql import functions as F

        if not bound:
            return None
        train = frame.where(F.col(SPLIT) == TRAIN) if splits else frame
        return fit_spark(bound, train, dtypes)

    def _frames(self, frame: DataFrame, record: TrainingDatasetRecord) -> dict[str, DataFrame]:
        from pyspark.sql import functions as F

        if not record.splits:
            return {"": frame}
        return {s.name: frame.where(F.col(SPLIT) == s.name).drop(SPLIT) for s in record.splits}

    # -- making -----------------------------------------------------------------------

    def _transformed(
        self,
        view: FeatureViewRecord,
        record: TrainingDatasetRecord,
        bound: list[BoundTransform],
        context: dict[str, Any] | None,
    ) -> tuple[DataFrame, Transformation, dict[str, Any] | None, list[LineageEntry]]:
        """The labelled rows, how to transform them (fitted on their train rows), the
        fitted statistics and the commits read."""
        frame, lineage, dtypes = self._labelled(view, record, {})
        fitted = self._fit(bound, frame, record.splits, dtypes)
        return frame, transformation(frame.schema, bound, fitted, context, dtypes), fitted, lineage

    def _materialize(
        self,
        view: FeatureViewRecord,
        record: TrainingDatasetRecord,
        frame: DataFrame,
        transform: Transformation,
        statistics: StatisticsOptions | None,
    ) -> dict[str, Any] | None:
        folders = {s.name: s.name for s in record.splits} or {"": view.name}
        names = [s.name for s in record.splits] or [""]
        return materialize(
            self.lab.store,
            record.location or "",
            frame,
            transform,
            folders,
            record.data_format,
            record.settings["dtypes"],
            statistics,
            names,
        )

    def create(
        self,
        view: FeatureViewRecord,
        record: TrainingDatasetRecord,
        bound: list[BoundTransform],
        columns: Columns,
        statistics: StatisticsOptions | None,
        context: dict[str, Any] | None,
    ) -> Made:
        """``TrainingData.create`` on Spark (see the module)."""
        from pyspark import StorageLevel

        record = record.model_copy(update={"settings": {**record.settings, "split_engine": SPARK}})
        frame, transform, fitted, lineage = self._transformed(view, record, bound, context)
        shape = transform[1]
        unasked = set() if record.materialized else self._unasked(view, columns)
        data = [c for c in shape.schema.names if c != SPLIT and c not in unasked]
        dtypes = {c: shape.dtypes[c] for c in data}
        record = self.training.described(view, record, bound, fitted, data, dtypes, lineage)
        if not record.materialized:
            transformed = apply(frame, transform)
            transformed = transformed.drop(*[c for c in unasked if c in transformed.columns])
            transformed = transformed.persist(StorageLevel.MEMORY_AND_DISK)
            stats = describe(transformed, [s.name for s in record.splits] or [""], statistics)
            record = self.training.catalog.register_training_dataset(
                self.training.project_id, record, stats
            )
            return Made(record, self._frames(transformed, record), record.settings["labels"])
        version, location = self.training.next_location(view)
        record = record.model_copy(update={"version": version, "location": location})
        try:
            stats = self._materialize(view, record, frame, transform, statistics)
            record = self.training.catalog.register_training_dataset(
                self.training.project_id, record, stats
            )
        except BaseException:
            remove_dataset(self.lab.store, location)
            raise
        return Made(record, {}, record.settings["labels"])

    def recreate(
        self,
        view: FeatureViewRecord,
        record: TrainingDatasetRecord,
        context: dict[str, Any] | None,
    ) -> TrainingDatasetRecord:
        """``TrainingData.recreate`` on Spark: the files written again by the executors
        from the latest commits, the transformations fitted again."""
        from ..featuregroups.statistics import StatisticsOptions

        bound = view_transforms.load(view.transformation_functions)
        location = record.location or self.training.folder(view.name, view.version, record.version)
        record = record.model_copy(
            update={"settings": {**record.settings, "split_engine": SPARK}, "location": location}
        )
        frame, transform, fitted, lineage = self._transformed(view, record, bound, context)
        data = [c for c in transform[1].schema.names if c != SPLIT]
        settings = {**record.settings, "dtypes": {c: transform[1].dtypes[c] for c in data}}
        record = record.model_copy(update={"settings": settings})
        options = settings.get("statistics_config")
        statistics = None if options is None else StatisticsOptions(**options)
        stats = self._materialize(view, record, frame, transform, statistics)
        return self.training.catalog.update_training_dataset(
            record.id,
            lineage=lineage,
            settings={**settings, "training_dataset_type": HOPSFS},
            statistics=stats,
            transformation_statistics=fitted if bound else None,
            materialized=True,
        )

    # -- reading ----------------------------------------------------------------------

    def read(
        self,
        view: FeatureViewRecord,
        record: TrainingDatasetRecord,
        columns: Columns,
        context: dict[str, Any] | None,
    ) -> Made:
        """An in-memory version split on Spark, again: read at its lineage's commits,
        split with its seed, transformed with its fitted statistics."""
        from pyspark import StorageLevel

        pins = {e.feature_group_id: e.commit_id for e in record.lineage}
        frame, _, dtypes = self._labelled(view, record, pins)
        bound = view_transforms.load(view.transformation_functions)
        transformed, _ = apply_spark(
            frame, bound, record.transformation_statistics, context, dtypes
        )
        drop = [c for c in self._unasked(view, columns) if c in transformed.columns]
        transformed = transformed.drop(*drop).persist(StorageLevel.MEMORY_AND_DISK)
        labels = list(record.settings.get("labels", record.label))
        return Made(record, self._frames(transformed, record), labels)

    def read_files(
        self, view: FeatureViewRecord, record: TrainingDatasetRecord, drop: set[str]
    ) -> dict[str, DataFrame]:
        """A materialised version's split folders read by the executors
        (``spark_reads``), without the columns ``drop``."""
        session = self.lab.spark.session()
        dtypes = record.settings.get("dtypes", {})
        frames = {}
        for name in [s.name for s in record.splits] or [""]:
            folder = f"{record.location or ''}/{name or view.name}"
            frame = read_spark(session, self.lab.store, folder, record.data_format, dtypes)
            frames[name] = frame.drop(*[c for c in frame.columns if c in drop])
        return frames
