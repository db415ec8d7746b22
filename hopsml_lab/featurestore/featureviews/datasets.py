"""hsfs 3.x training datasets: made with ``fs.create_training_dataset(...)`` and
``td.save(query or frame)``, without a feature view. Always materialised (under
``FeatureStore/training_datasets/<name>_<version>/<split>/``), with random splits by
the given fractions and seed, labels kept as columns of the files. A dataset saved from
a query records the query (for ``get_query`` and serving) and its lineage.
"""

from __future__ import annotations

import random
import warnings
from typing import Any

import pandas as pd

from ...catalog import FeatureViewRecord, LineageEntry, SplitSpec, TrainingDatasetRecord
from ...errors import Conflict
from ..errors import BadFeatureInput, FeatureGroupWarning, FeatureStoreException
from ..featuregroups.spec import feature_name, normalise_frame
from ..featuregroups.statistics import StatisticsOptions
from ..query.plan import QuerySpec, build_plan
from ..query.queries import query_engine
from .dataset_parts import Written, check_label
from .splits import RANDOM_SPLIT, random_split
from .td_files import dtypes_of, normal_format, read_folder, remove_dataset, write_dataset
from .training import TrainingData, split_statistics
from .training_parts import FOLDER, HOPSFS, SPARK
from .view_errors import BadSplit, UnknownTrainingDataset
from .view_spec import spec_to_json
from .views import ReadRequest


class TrainingDatasetExists(FeatureStoreException, Conflict):
    """A training dataset with that name and version exists already."""


def _described(frames: dict[str, pd.DataFrame], splits: list[SplitSpec]) -> dict[str, Any]:
    """The frames statistics describe: by split, or ``{"": rows}`` without splits."""
    return frames if splits else {"": next(iter(frames.values()))}


class Datasets:
    """The project's hsfs 3.x training datasets (those without a feature view)."""

    def __init__(self, training: TrainingData) -> None:
        self.training = training
        self.views = training.views
        self.catalog = training.catalog

    @property
    def project_id(self) -> int:
        return self.training.project_id

    def get(self, name: str, version: int) -> TrainingDatasetRecord | None:
        return self.catalog.get_training_dataset(self.project_id, None, feature_name(name), version)

    def list(self, name: str) -> list[TrainingDatasetRecord]:
        return self.catalog.list_training_datasets(self.project_id, None, feature_name(name))

    def next_version(self, name: str) -> int:
        return self.catalog.next_training_dataset_version(self.project_id, None, feature_name(name))

    # -- the data -------------------------------------------------------------------

    def view_of(self, record: TrainingDatasetRecord) -> FeatureViewRecord | None:
        """A (never registered) feature view of the query the dataset was saved from."""
        query = record.settings.get("query")
        if query is None:
            return None
        return self.views.transient(record.name, query, record.label)

    def query_view(
        self, source: QuerySpec, name: str, label: list[str]
    ) -> tuple[FeatureViewRecord, dict[str, Any]]:
        """A (never registered) view of a query, and the query as JSON; a query that
        cannot run is refused first."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FeatureGroupWarning)
            build_plan(source)
        query = spec_to_json(source)
        return self.views.transient(name, query, label), query

    def _source(
        self, source: Any, label: list[str], name: str, engine: str
    ) -> tuple[pd.DataFrame, list[LineageEntry], dict[str, Any] | None]:
        """The rows of a query (with its lineage and spec) or of a frame."""
        if isinstance(source, QuerySpec):
            view, query = self.query_view(source, name, label)
            frame, lineage = self.views.read(view, ReadRequest(with_label=True), engine)
            return frame, lineage, query
        if not isinstance(source, pd.DataFrame) and hasattr(source, "toPandas"):
            source = source.toPandas()
        if not isinstance(source, pd.DataFrame):
            raise BadFeatureInput(
                f"save a Query or a pandas DataFrame, not a {type(source).__name__} "
                "(build a DataFrame from the array or list first)"
            )
        return normalise_frame(source), [], None

    def _on_spark(self, source: Any, engine: str) -> bool:
        """Whether Spark writes the files: a Spark DataFrame, or a query on the Spark
        engine or that the query engine runs on Spark."""
        if isinstance(source, QuerySpec):
            if engine == "spark":
                return True
            view = self.views.transient("query", spec_to_json(source), [])
            plan, _ = self.views.plan(view, ReadRequest(with_label=True))
            return query_engine(self.views.groups, plan) == "spark"
        return not isinstance(source, pd.DataFrame) and hasattr(source, "mapInArrow")

    @staticmethod
    def _split(
        frame: pd.DataFrame, splits: list[SplitSpec], seed: int | None, name: str
    ) -> dict[str, pd.DataFrame]:
        if not splits:
            return {name: frame}
        return random_split(frame, splits, seed)

    def save(
        self,
        *,
        name: str,
        version: int | None,
        source: Any,
        data_format: str = "tfrecords",
        description: str = "",
        splits: dict[str, float] | None = None,
        seed: int | None = None,
        label: list[str] | None = None,
        statistics: StatisticsOptions | None = None,
        train_split: str | None = None,
        engine: str = "python",
    ) -> TrainingDatasetRecord:
        """Write the rows of ``source`` (a query spec or a frame) as a new version."""
        name = feature_name(name)
        fmt = normal_format(data_format)
        label = [feature_name(n) for n in label or []]
        specs = [
            SplitSpec(name=k, split_type=RANDOM_SPLIT, percentage=v)
            for k, v in (splits or {}).items()
            if v is not None
        ]
        if specs and seed is None:
            seed = random.randrange(2**31)
        version = version or self.next_version(name)
        if self.get(name, version) is not None:
            raise TrainingDatasetExists(
                f"training dataset {name!r} version {version} exists: get it with "
                "get_training_dataset, or create another version"
            )
        location = f"{FOLDER}/{name}_{version}"
        store = self.training.lab.store
        if self._on_spark(source, engine):
            from .spark_datasets import save_spark

            written = save_spark(self, source, name, label, specs, seed, location, fmt, statistics)
        else:
            written = self._save_pandas(source, name, label, specs, seed, location, fmt, statistics)
        record = TrainingDatasetRecord(
            name=name,
            version=version,
            description=description or "",
            data_format=fmt,
            location=location,
            materialized=True,
            splits=specs,
            seed=seed,
            label=label,
            settings={
                "training_dataset_type": HOPSFS,
                "query": written.query,
                "train_split": train_split,
                "dtypes": written.dtypes,
                "statistics_config": None if statistics is None else statistics.to_dict(),
                **({"split_engine": SPARK} if written.on_spark else {}),
            },
            lineage=written.lineage,
        )
        try:
            return self.catalog.register_training_dataset(
                self.project_id, record, written.statistics
            )
        except BaseException:
            remove_dataset(store, location)
            raise

    def _save_pandas(
        self,
        source: Any,
        name: str,
        label: list[str],
        specs: list[SplitSpec],
        seed: int | None,
        location: str,
        fmt: str,
        statistics: StatisticsOptions | None,
    ) -> Written:
        frame, lineage, query = self._source(source, label, name, "python")
        check_label(label, list(frame.columns))
        frames = self._split(frame, specs, seed, name)
        store = self.training.lab.store
        write_dataset(store, location, frames, fmt)
        try:
            stats = split_statistics(_described(frames, specs), statistics)
        except BaseException:
            remove_dataset(store, location)
            raise
        return Written(dtypes_of(frame), lineage, query, stats, on_spark=False)

    def insert(
        self, record: TrainingDatasetRecord, source: Any, overwrite: bool, engine: str = "python"
    ) -> TrainingDatasetRecord:
        """Add rows to a version (split as the version splits), or replace its rows. A
        Spark DataFrame, or a query on the Spark engine, is written by the executors
        (``spark_datasets.insert_spark``)."""
        if self._on_spark(source, engine):
            from .spark_datasets import insert_spark

            return insert_spark(self, record, source, overwrite)
        frame, lineage, _ = self._source(source, record.label, record.name, engine)
        frames = self._split(frame, record.splits, record.seed, record.name)
        if not overwrite:
            old = {n: self.read(record, n if record.splits else None) for n in frames}
            frames = {n: pd.concat([old[n], f], ignore_index=True) for n, f in frames.items()}
            lineage = list(record.lineage) + lineage
        store = self.training.lab.store
        write_dataset(store, record.location or "", frames, record.data_format)
        options = record.settings.get("statistics_config")
        stats = split_statistics(
            _described(frames, record.splits),
            None if options is None else StatisticsOptions(**options),
        )
        return self.catalog.update_training_dataset(
            record.id,
            lineage=lineage,
            settings={**record.settings, "dtypes": dtypes_of(next(iter(frames.values())))},
            statistics=stats,
        )

    def read(self, record: TrainingDatasetRecord, split: str | None, engine: str = "python") -> Any:
        """One split (or, without splits, all rows) of a version: pandas, or on the
        Spark engine a lazy Spark frame the executors read (``spark_reads``)."""
        names = [s.name for s in record.splits]
        if names and split is None:
            raise BadSplit(
                "The training dataset has splits, please specify the split you want to read "
                f"(one of {names})"
            )
        if split is not None and split not in names:
            raise UnknownTrainingDataset(
                f"training dataset {record.name!r} version {record.version} has no split "
                f"{split!r}: its splits are {names or 'none'}"
            )
        if engine == "spark":
            from .spark_datasets import read_dataset_spark

            return read_dataset_spark(self, record, split)
        folder = f"{record.location or ''}/{split or record.name}"
        dtypes = record.settings.get("dtypes", {})
        return read_folder(self.training.lab.store, folder, record.data_format, dtypes)
