"""Training data of feature views: every call that makes training data registers a
training dataset version with its lineage (each feature group read and the commit read),
its splits, its seed, the transformation statistics fitted on the train split and the
descriptive statistics of each split.

In-memory versions (``training_data``, ``train_test_split`` …) are read again from
the commits their lineage names, so a later insert does not change them. Materialised
versions (``create_training_data`` …) are files under
``FeatureStore/training_datasets/<view>_<version>_<td version>/<split>/`` in the
project's store (a local folder or HDFS: ``td_files``), written with primary keys, event
times and training helper columns (dropped again when read, unless asked for, as hsfs
does); the catalog row is written only once the files are complete.

On the Spark engine, and for files whenever the view's query runs on Spark (the query
engine setting, or its size), ``spark_training`` makes the data instead: splits, the
transformations' fit and apply and the files all on the executors, no row on the
driver; an in-memory version made there records ``split_engine: "spark"`` and is read
again there. On the Spark engine a materialised version's files are read by the
executors as well (``spark_reads``).
"""

from __future__ import annotations

import random
import time
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from ...catalog import FeatureViewRecord, LineageEntry, SplitSpec, TrainingDatasetRecord
from ..errors import FeatureStoreException
from ..featuregroups.statistics import StatisticsOptions, compute
from ..query.plan import Predicate
from ..query.queries import query_engine
from . import view_transforms
from .splits import RANDOM_SPLIT, TIME_SERIES_SPLIT, TRAIN, settle_times, split_frame
from .td_files import dtypes_of, normal_format, read_folder, remove_dataset, write_dataset
from .training_parts import FOLDER, HOPSFS, IN_MEMORY, SPARK, SPLIT_METHODS, Columns, Made
from .view_errors import BadSplit, TrainingDataUnreadable, UnknownTrainingDataset
from .view_spec import predicate_from_json, predicate_to_json
from .views import SPLIT_TIME, FeatureViews, ReadRequest

if TYPE_CHECKING:
    from .spark_training import SparkTraining


def split_statistics(
    frames: dict[str, pd.DataFrame], options: StatisticsOptions | None
) -> dict[str, Any] | None:
    """Descriptive statistics of each split (one DuckDB pass each); None: disabled."""
    if options is None or not options.enabled:
        return None
    described = {}
    for name, frame in frames.items():
        table = pa.Table.from_pandas(frame, preserve_index=False)
        described[name] = compute(table, list(table.column_names), options)
    if list(described) == [""]:
        return described[""]
    return {
        "computation_time": int(time.time() * 1000),
        "row_percentage": 1.0,
        "split_statistics": [
            {"name": n, "feature_descriptive_statistics": s["feature_descriptive_statistics"]}
            for n, s in described.items()
        ],
    }


def _transform(
    bound: list[Any],
    frames: dict[str, pd.DataFrame],
    fitted: dict[str, Any] | None,
    context: dict[str, Any] | None,
) -> dict[str, pd.DataFrame]:
    """Every split transformed with the same fitted statistics."""
    if not bound:
        return frames
    return {n: view_transforms.apply(bound, f, fitted, context) for n, f in frames.items()}


class TrainingData:
    """Training dataset versions of the project's feature views."""

    def __init__(self, views: FeatureViews) -> None:
        self.views = views
        self.lab = views.lab
        self.catalog = views.catalog

    @property
    def project_id(self) -> int:
        return self.views.project_id

    def folder(self, name: str, version: int, td_version: int) -> str:
        return f"{FOLDER}/{name}_{version}_{td_version}"

    # -- making ---------------------------------------------------------------------

    def create(
        self,
        view: FeatureViewRecord,
        *,
        splits: list[SplitSpec],
        seed: int | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        extra_filter: Predicate | None = None,
        description: str = "",
        statistics: StatisticsOptions | None = None,
        materialize: bool = False,
        data_format: str = "parquet",
        columns: Columns | None = None,
        engine: str = "python",
        context: dict[str, Any] | None = None,
    ) -> Made:
        """Read the view, split, fit the transformations on the train split, describe
        each split and register the version (materialised: after writing its files)."""
        columns = columns or Columns()
        fmt = normal_format(data_format) if materialize else "tsv"
        left = self.views.spec(view).left.group
        splits = settle_times(splits, left.event_time)
        if splits and splits[0].split_type == RANDOM_SPLIT and seed is None:
            seed = random.randrange(2**31)  # recorded, so the version can be read again
        if not splits and left.event_time is not None:  # hsfs' _set_event_time
            start_ms = start_ms or 1000
            end_ms = end_ms or int(time.time() * 1000)
        settings = {
            "training_dataset_type": HOPSFS if materialize else IN_MEMORY,
            "start_time": start_ms,
            "end_time": end_ms,
            "extra_filter": predicate_to_json(extra_filter),
            "statistics_config": None if statistics is None else statistics.to_dict(),
        }
        bound = view_transforms.load(view.transformation_functions)
        unsaved = TrainingDatasetRecord(
            feature_view_id=view.id,
            name=view.name,
            description=description or "",
            data_format=fmt,
            materialized=materialize,
            splits=splits,
            seed=seed,
            label=list(view.labels),
            settings=settings,
        )
        if self.on_spark(view, engine, materialize):
            return self.spark.create(view, unsaved, bound, columns, statistics, context)
        frames, lineage = self._read(
            view,
            splits,
            seed,
            settings,
            Columns(True, True, True) if materialize else columns,
            engine,
        )
        fitted = self._fit(bound, frames)
        frames = _transform(bound, frames, fitted, context)
        after = list(next(iter(frames.values())).columns)
        record = self.described(
            view, unsaved, bound, fitted, after, dtypes_of(next(iter(frames.values()))), lineage
        )
        stats = split_statistics(frames, statistics)
        if not materialize:
            record = self.catalog.register_training_dataset(self.project_id, record, stats)
            return Made(record, frames, record.settings["labels"])
        record = self._materialize(view, record, frames, stats)
        return Made(record, frames, record.settings["labels"])

    def described(
        self,
        view: FeatureViewRecord,
        record: TrainingDatasetRecord,
        bound: list[Any],
        fitted: dict[str, Any] | None,
        columns: list[str],
        dtypes: dict[str, str],
        lineage: list[LineageEntry],
    ) -> TrainingDatasetRecord:
        """``record`` with what reading it back needs: the label columns after
        transformation, the dtypes, key and time columns, lineage and fitted
        statistics."""
        labels = view_transforms.label_columns(view.labels, columns, bound, fitted)
        keys, times = self.views.key_columns(view)
        settings = dict(record.settings)
        settings.update(
            dtypes=dtypes, key_columns=sorted(keys), time_columns=sorted(times), labels=labels
        )
        return record.model_copy(
            update={
                "settings": settings,
                "lineage": lineage,
                "transformation_statistics": fitted if bound else None,
            }
        )

    def on_spark(self, view: FeatureViewRecord, engine: str, materialize: bool) -> bool:
        """Whether Spark makes the training data: on the Spark engine, and for files
        when the view's query runs on Spark (``query_engine``: by setting or size)."""
        if engine == "spark":
            return True
        if not materialize:
            return False  # pandas answers: the query's rows are collected anyway
        plan, _ = self.views.plan(view, ReadRequest())
        return query_engine(self.views.groups, plan) == "spark"

    @cached_property
    def spark(self) -> SparkTraining:
        from .spark_training import SparkTraining

        return SparkTraining(self)

    def next_location(self, view: FeatureViewRecord) -> tuple[int, str]:
        """The next version of the view's training data and its folder."""
        version = self.catalog.next_training_dataset_version(self.project_id, view.id, view.name)
        return version, self.folder(view.name, view.version, version)

    @staticmethod
    def _fit(bound: list[Any], frames: dict[str, pd.DataFrame]) -> dict[str, Any] | None:
        """Transformation statistics fitted on the train split (or the only frame)."""
        if not bound:
            return None
        return view_transforms.fit(bound, frames.get(TRAIN, next(iter(frames.values()))))

    def _read(
        self,
        view: FeatureViewRecord,
        splits: list[SplitSpec],
        seed: int | None,
        settings: dict[str, Any],
        columns: Columns,
        engine: str,
        pins: dict[int, int | None] | None = None,
    ) -> tuple[dict[str, pd.DataFrame], list[LineageEntry]]:
        timed = bool(splits) and splits[0].split_type == TIME_SERIES_SPLIT
        request = ReadRequest(
            with_label=True,
            primary_keys=columns.primary_keys,
            event_time=columns.event_time,
            training_helpers=columns.training_helpers,
            start_ms=settings.get("start_time"),
            end_ms=settings.get("end_time"),
            extra_filter=predicate_from_json(settings.get("extra_filter")),
            split_time=timed,
            pins=pins or {},
        )
        frame, lineage = self.views.read(view, request, engine)
        if not splits:
            return {"": frame}, lineage
        parts = split_frame(frame, splits, seed, SPLIT_TIME if timed else None)
        return {n: f.drop(columns=[SPLIT_TIME], errors="ignore") for n, f in parts.items()}, lineage

    def _materialize(
        self,
        view: FeatureViewRecord,
        record: TrainingDatasetRecord,
        frames: dict[str, pd.DataFrame],
        stats: dict[str, Any] | None,
    ) -> TrainingDatasetRecord:
        version, location = self.next_location(view)
        folders = {(n or view.name): f for n, f in frames.items()}
        write_dataset(self.lab.store, location, folders, record.data_format)
        try:
            return self.catalog.register_training_dataset(
                self.project_id,
                record.model_copy(update={"version": version, "location": location}),
                stats,
            )
        except BaseException:
            remove_dataset(self.lab.store, location)
            raise

    # -- reading --------------------------------------------------------------------

    def get(self, view: FeatureViewRecord, version: int) -> TrainingDatasetRecord:
        record = self.catalog.get_training_dataset(self.project_id, view.id, view.name, version)
        if record is None:
            have = [r.version for r in self.list(view)]
            raise UnknownTrainingDataset(
                f"feature view {view.name!r} version {view.version} has no training dataset "
                f"version {version} (it has {have or 'none'}): create one with "
                "create_training_data / training_data first"
            )
        return record

    def list(self, view: FeatureViewRecord) -> list[TrainingDatasetRecord]:
        return self.catalog.list_training_datasets(self.project_id, view.id)

    def latest_fitted(self, view: FeatureViewRecord) -> TrainingDatasetRecord | None:
        """The newest version with fitted transformation statistics."""
        fitted = [r for r in self.list(view) if r.transformation_statistics is not None]
        return max(fitted, key=lambda r: r.version, default=None)

    def read(
        self,
        view: FeatureViewRecord,
        version: int,
        split_count: int,
        columns: Columns,
        engine: str = "python",
        context: dict[str, Any] | None = None,
    ) -> Made:
        """A version's frames again: its files if materialised, else its query read at
        the commits its lineage names, split with its seed, transformed with its fitted
        statistics."""
        record = self.get(view, version)
        if len(record.splits) != split_count:
            method = SPLIT_METHODS.get(len(record.splits), "get_training_data")
            raise BadSplit(
                f"Incorrect `get` method is used. Use `feature_view.{method}` instead "
                f"(training dataset version {version} has {len(record.splits)} splits)."
            )
        labels = list(record.settings.get("labels", record.label))
        if record.materialized:
            return Made(record, self._read_files(view, record, columns, engine), labels)
        if record.settings.get("training_dataset_type") == HOPSFS:
            raise TrainingDataUnreadable(
                f"training dataset version {version} was purged: recreate it with "
                "recreate_training_dataset, or create a new version"
            )
        if record.settings.get("split_engine") == SPARK:
            return self.spark.read(view, record, columns, context)
        pins = {e.feature_group_id: e.commit_id for e in record.lineage}
        frames, _ = self._read(
            view, record.splits, record.seed, record.settings, columns, engine, pins
        )
        bound = view_transforms.load(view.transformation_functions)
        frames = _transform(bound, frames, record.transformation_statistics, context)
        return Made(record, frames, labels)

    def _read_files(
        self,
        view: FeatureViewRecord,
        record: TrainingDatasetRecord,
        columns: Columns,
        engine: str = "python",
    ) -> dict[str, Any]:
        """The split folders' rows without the columns not asked for: pandas, or on the
        Spark engine lazy Spark frames the executors read."""
        root = record.location or ""
        dtypes = record.settings.get("dtypes", {})
        names = [s.name for s in record.splits] or [""]
        features = {f.name for f in view.features}
        drop: set[str] = set()
        if not columns.primary_keys:
            drop |= set(record.settings.get("key_columns", [])) - features
        if not columns.event_time:
            drop |= set(record.settings.get("time_columns", [])) - features
        if not columns.training_helpers:
            drop |= set(view.training_helper_columns)
        if engine == "spark":
            return self.spark.read_files(view, record, drop)
        frames = {}
        for name in names:
            folder = f"{root}/{name or view.name}"
            frame = read_folder(self.lab.store, folder, record.data_format, dtypes)
            frames[name] = frame.drop(columns=[c for c in frame.columns if c in drop])
        return frames

    def fitted_for(
        self, view: FeatureViewRecord, version: int | None
    ) -> tuple[TrainingDatasetRecord | None, dict[str, Any] | None]:
        """The version whose fitted statistics batch scoring and serving use: the one
        given, else the newest that has them."""
        record = self.get(view, version) if version else self.latest_fitted(view)
        return record, None if record is None else record.transformation_statistics

    # -- batch data -----------------------------------------------------------------

    def batch(
        self,
        view: FeatureViewRecord,
        *,
        start_ms: int | None,
        end_ms: int | None,
        extra_filter: Predicate | None,
        primary_keys: bool,
        event_time: bool,
        inference_helpers: bool,
        transformed: bool,
        version: int | None,
        context: dict[str, Any] | None = None,
        engine: str = "python",
    ) -> pd.DataFrame:
        """The view's features (no labels, no training helpers) at the latest commits,
        in ``[start, end)`` of the left group's event time, transformed with the fitted
        statistics of training dataset ``version`` (or the newest that has them)."""
        request = ReadRequest(
            with_label=False,
            primary_keys=primary_keys,
            event_time=event_time,
            inference_helpers=inference_helpers or not transformed,
            start_ms=start_ms,
            end_ms=end_ms,
            extra_filter=extra_filter,
        )
        frame, _ = self.views.read(view, request, engine)
        bound = view_transforms.without_labels(
            view_transforms.load(view.transformation_functions), view.labels
        )
        if not (bound and transformed):
            return frame
        _, fitted = self.fitted_for(view, version)
        return view_transforms.apply(bound, frame, fitted, context)

    # -- changing -------------------------------------------------------------------

    def recreate(
        self,
        view: FeatureViewRecord,
        version: int,
        statistics: StatisticsOptions | None = None,
        engine: str = "python",
        context: dict[str, Any] | None = None,
    ) -> TrainingDatasetRecord:
        """Write a materialised version again from the feature groups' latest commits
        (its splits, seed and time window as recorded), then record the new lineage."""
        record = self.get(view, version)
        if record.settings.get("training_dataset_type") != HOPSFS:
            raise FeatureStoreException(
                f"training dataset version {version} is in memory: only a materialised "
                "version (create_training_data …) can be recreated"
            )
        settings = dict(record.settings)
        if statistics is not None:
            settings["statistics_config"] = statistics.to_dict()
        if self.on_spark(view, engine, True):
            return self.spark.recreate(
                view, record.model_copy(update={"settings": settings}), context
            )
        settings.pop("split_engine", None)
        frames, lineage = self._read(
            view, record.splits, record.seed, settings, Columns(True, True, True), engine
        )
        bound = view_transforms.load(view.transformation_functions)
        fitted = self._fit(bound, frames)
        frames = _transform(bound, frames, fitted, context)
        options = settings.get("statistics_config")
        stats = split_statistics(frames, None if options is None else StatisticsOptions(**options))
        location = record.location or self.folder(view.name, view.version, version)
        folders = {(n or view.name): f for n, f in frames.items()}
        write_dataset(self.lab.store, location, folders, record.data_format)
        return self.catalog.update_training_dataset(
            record.id,
            lineage=lineage,
            settings=settings,
            statistics=stats,
            transformation_statistics=fitted if bound else None,
            materialized=True,
        )

    def purge(self, record: TrainingDatasetRecord) -> None:
        """Delete a version's files; its metadata stays (hsfs' ``purge_training_data``)."""
        if record.location:
            self.catalog.update_training_dataset(record.id, materialized=False)
            remove_dataset(self.lab.store, record.location)

    def delete(self, record: TrainingDatasetRecord) -> None:
        """Forget a version, then delete its files."""
        self.catalog.delete_training_dataset(record.id)
        if record.location:
            remove_dataset(self.lab.store, record.location)

    def delete_view(self, view: FeatureViewRecord) -> None:
        """Forget a view and its training datasets, then delete their files."""
        datasets = self.list(view)
        self.catalog.delete_view(view.id)
        for record in datasets:
            if record.location:
                remove_dataset(self.lab.store, record.location)
