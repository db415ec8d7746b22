"""hsfs' ``TrainingDatasetBase`` (the metadata ``fv.get_training_datasets()`` gives) and
``TrainingDataset``, the hsfs 3.x way without feature views:
``fs.create_training_dataset(name, ..., splits={"train": 0.8, "test": 0.2},
label=["y"])``, then ``td.save(query_or_frame)``, ``td.read("train")``,
``td.insert(...)``, ``td.get_serving_vector({...})``.

Files go to ``FeatureStore/training_datasets/<name>_<version>/<split>/`` in the
format asked (``tfrecords`` by default, as hsfs). ``save``/``insert`` return ``None``
where hsfs' python engine returns the job it launched. ``td.tf_data(...)`` is hsfs
2.x's reader (dropped in 3.x) and is offered for notebooks written against it.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ..catalog import FeatureViewCatalog, TrainingDatasetRecord
from ..featurestore.errors import FeatureStoreException, VersionWarning
from ..featurestore.featuregroups.spec import feature_name
from ..featurestore.featuregroups.statistics import StatisticsOptions
from ..featurestore.featureviews.datasets import Datasets
from ..featurestore.featureviews.td_files import local_files, normal_format
from ..featurestore.featureviews.tfdata import TFDataEngine
from ..featurestore.featureviews.view_spec import predicate_from_json
from .split_statistics import SplitStatistics
from .statistics import Statistics
from .statistics_config import StatisticsConfig
from .training_dataset_feature import TrainingDatasetFeature
from .training_dataset_split import TrainingDatasetSplit

if TYPE_CHECKING:
    from .feature_store import FeatureStore


def statistics_of(
    catalog: FeatureViewCatalog,
    record: TrainingDatasetRecord,
    before_transformation: bool = False,
    feature_names: list[str] | None = None,
    feature_view: tuple[str, int] | None = None,
) -> Statistics | None:
    """hsfs' ``Statistics`` of a training dataset version (``None``: none stored)."""
    wanted = None if feature_names is None else {feature_name(n) for n in feature_names}

    def keep(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [f for f in features if wanted is None or f["feature_name"] in wanted]

    name, version = feature_view or (None, None)
    if before_transformation:
        fitted = record.transformation_statistics
        if fitted is None:
            return None
        described = [
            {"feature_name": n, **{k: v for k, v in s.items() if k != "feature_name"}}
            for n, s in fitted.items()
            if isinstance(s, dict)
        ]
        return Statistics(
            computation_time=int(record.created_at * 1000),
            feature_descriptive_statistics=keep(described),
            feature_view_name=name,
            feature_view_version=version,
            training_dataset_version=record.version,
            before_transformation=True,
        )
    stored = catalog.training_dataset_statistics(record.id)
    if stored is None:
        return None
    splits = [
        SplitStatistics(s["name"], keep(s["feature_descriptive_statistics"]))
        for s in stored.get("split_statistics", [])
    ]
    return Statistics(
        computation_time=stored["computation_time"],
        row_percentage=stored.get("row_percentage", 1.0),
        feature_descriptive_statistics=(
            None if splits else keep(stored.get("feature_descriptive_statistics", []))
        ),
        feature_view_name=name,
        feature_view_version=version,
        training_dataset_version=record.version,
        split_statistics=splits or None,
    )


class TrainingDatasetBase:
    """A training dataset version's metadata."""

    HOPSFS = "HOPSFS_TRAINING_DATASET"
    EXTERNAL = "EXTERNAL_TRAINING_DATASET"
    IN_MEMORY = "IN_MEMORY_TRAINING_DATASET"
    ENTITY_TYPE = "trainingdatasets"

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # pragma: no cover
        raise TypeError(
            "get training datasets from a feature view (fv.get_training_datasets()) or the "
            "feature store (fs.create_training_dataset / get_training_dataset)"
        )

    @classmethod
    def _from_record(cls, store: FeatureStore, record: TrainingDatasetRecord) -> Any:
        td = object.__new__(cls)
        td._store = store
        td._record = record
        td._spec = None
        return td

    @property
    def _meta(self) -> TrainingDatasetRecord:
        return self._record if self._record is not None else self._spec

    @property
    def name(self) -> str:
        return self._meta.name

    @property
    def version(self) -> int | None:
        return self._meta.version or None

    @property
    def description(self) -> str:
        return self._meta.description

    @property
    def data_format(self) -> str:
        return self._meta.data_format

    @property
    def coalesce(self) -> bool:
        return bool(self._meta.settings.get("coalesce", False))

    @property
    def storage_connector(self) -> None:
        """Always ``None``: files live in the project's store."""
        return None

    @property
    def location(self) -> str:
        """The folder of the files (``""`` in memory)."""
        if not self._meta.location:
            return ""
        return self._store._groups.lab.store.url(self._meta.location)

    @property
    def splits(self) -> list[TrainingDatasetSplit]:
        return [TrainingDatasetSplit(**s.model_dump()) for s in self._meta.splits]

    @property
    def seed(self) -> int | None:
        return self._meta.seed

    @property
    def statistics_config(self) -> StatisticsConfig:
        options = self._meta.settings.get("statistics_config")
        if options is None:
            return StatisticsConfig(enabled=False)
        return StatisticsConfig._from_options(StatisticsOptions.from_dict(options))

    @property
    def train_split(self) -> str | None:
        if self._meta.settings.get("train_split"):
            return self._meta.settings["train_split"]
        return "train" if self._meta.splits and self._meta.feature_view_id else None

    @property
    def event_start_time(self) -> int | None:
        return self._meta.settings.get("start_time")

    @property
    def event_end_time(self) -> int | None:
        return self._meta.settings.get("end_time")

    @property
    def training_dataset_type(self) -> str:
        return self._meta.settings.get("training_dataset_type", self.HOPSFS)

    def _split(self, name: str) -> TrainingDatasetSplit | None:
        return next((s for s in self.splits if s.name == name), None)

    @property
    def validation_size(self) -> float | None:
        split = self._split("validation")
        return None if split is None else split.percentage

    @property
    def test_size(self) -> float | None:
        split = self._split("test")
        return None if split is None else split.percentage

    def _bound(self, name: str, end: bool) -> int | None:
        split = self._split(name)
        if split is None:
            return None
        return split.end_time if end else split.start_time

    @property
    def train_start(self) -> int | None:
        return self._bound("train", False)

    @property
    def train_end(self) -> int | None:
        return self._bound("train", True)

    @property
    def validation_start(self) -> int | None:
        return self._bound("validation", False)

    @property
    def validation_end(self) -> int | None:
        return self._bound("validation", True)

    @property
    def test_start(self) -> int | None:
        return self._bound("test", False)

    @property
    def test_end(self) -> int | None:
        return self._bound("test", True)

    @property
    def extra_filter(self) -> Any:
        """The extra filter as stored (a plan predicate), or ``None``."""
        return predicate_from_json(self._meta.settings.get("extra_filter"))

    @property
    def label(self) -> list[str]:
        return list(self._meta.label)

    @property
    def lineage(self) -> list[dict[str, Any]]:
        """Each feature group read (id, name, version) and the commit read (not hsfs)."""
        return [e.model_dump() for e in self._meta.lineage]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.version}, {self.data_format!r})"


class TrainingDataset(TrainingDatasetBase):
    """An hsfs 3.x training dataset (without a feature view)."""

    @classmethod
    def _create(
        cls,
        store: FeatureStore,
        name: str,
        version: int | None,
        description: str | None,
        data_format: str | None,
        splits: dict[str, float] | None,
        seed: int | None,
        statistics_config: Any,
        label: list[str] | None,
        transformation_functions: dict[str, Any] | None,
        train_split: str | None,
    ) -> TrainingDataset:
        if splits is not None and not isinstance(splits, dict):
            raise TypeError(
                "The argument `splits` has to be `None` or a dictionary of key, relative size "
                "e.g {'train': 0.7, 'test': 0.1, 'validation': 0.2}.\n"
                f"Got {splits} with type {type(splits)}"
            )
        if transformation_functions:
            raise FeatureStoreException(
                "transformation functions on 3.x training datasets are not offered: attach "
                "them to a feature view (fs.create_feature_view(..., "
                "transformation_functions=[...]))"
            )
        normal_format(data_format)
        td = cls._from_record(store, None)  # type: ignore[arg-type]
        options = StatisticsConfig._coerce(statistics_config)._options()
        td._spec = TrainingDatasetRecord(
            name=feature_name(name),
            version=version or 0,
            description=description or "",
            data_format=data_format or "tfrecords",
            splits=[],
            seed=seed,
            label=[feature_name(n) for n in label or []],
            settings={"train_split": train_split, "statistics_config": options.to_dict()},
        )
        td._splits_asked = {k: v for k, v in (splits or {}).items() if v is not None}
        return td

    @property
    def _datasets(self) -> Datasets:
        return self._store._datasets()

    def _saved(self, action: str) -> TrainingDatasetRecord:
        if self._record is None:
            raise FeatureStoreException(
                f"training dataset {self.name!r} is not saved yet: call save(query or "
                f"DataFrame) before {action}"
            )
        return self._record

    @property
    def id(self) -> int | None:
        return None if self._record is None else self._record.id

    @property
    def splits(self) -> list[TrainingDatasetSplit]:
        if self._record is None:
            return [
                TrainingDatasetSplit(n, TrainingDatasetSplit.RANDOM_SPLIT, percentage=p)
                for n, p in self._splits_asked.items()
            ]
        return super().splits

    @property
    def feature_store_name(self) -> str:
        return self._store.name

    @property
    def feature_store_id(self) -> int:
        return self._store._groups.lab.project_id

    @property
    def transformation_functions(self) -> dict[str, Any]:
        return {}

    @property
    def write_options(self) -> dict[str, Any]:
        return {}

    @property
    def schema(self) -> list[TrainingDatasetFeature]:
        """The columns written, with their types (labels marked)."""
        if self._record is None:
            return []
        view = self._datasets.view_of(self._record)
        types = {f.name: f.type for f in view.features} if view is not None else {}
        return [
            TrainingDatasetFeature(n, type=types.get(n), index=i, label=n in self._record.label)
            for i, n in enumerate(self._record.settings.get("dtypes", {}))
        ]

    features = schema

    # -- writing --------------------------------------------------------------------

    def _source(self, features: Any) -> Any:
        from .constructor.query import Query

        return features._spec() if isinstance(features, Query) else features

    def save(self, features: Any, write_options: dict[Any, Any] | None = None) -> None:
        """Write the rows of a ``Query`` (its lineage recorded) or a DataFrame as this
        version, split by ``splits`` with ``seed``. No version given: the next free one,
        with a ``VersionWarning``. Returns ``None`` (hsfs: the job)."""
        if self._record is not None:
            raise FeatureStoreException(
                f"training dataset {self.name!r} version {self.version} is saved already: "
                "insert() adds rows, or create another version"
            )
        spec = self._spec
        options = spec.settings.get("statistics_config")
        self._record = self._datasets.save(
            name=spec.name,
            version=spec.version or None,
            source=self._source(features),
            data_format=spec.data_format,
            description=spec.description,
            splits=self._splits_asked,
            seed=spec.seed,
            label=spec.label,
            statistics=None if options is None else StatisticsOptions.from_dict(options),
            train_split=spec.settings.get("train_split"),
            engine=self._store.engine,
        )
        if not spec.version:
            warnings.warn(
                f"No version provided for creating training dataset `{self.name}`, "
                f"incremented version to `{self.version}`.",
                VersionWarning,
                stacklevel=2,
            )
        return None

    def insert(
        self, features: Any, overwrite: bool, write_options: dict[Any, Any] | None = None
    ) -> None:
        """Add the rows (split as this version splits), or replace all with
        ``overwrite=True``. A Spark DataFrame, or a query on the spark engine, is
        written by the executors (an append adds files, never rewrites the old ones).
        Returns ``None`` (hsfs: the job)."""
        record = self._saved("inserting into it")
        self._record = self._datasets.insert(
            record, self._source(features), bool(overwrite), self._store.engine
        )
        return None

    # -- reading --------------------------------------------------------------------

    def read(self, split: str | None = None, read_options: dict | None = None) -> Any:
        """The rows of ``split`` (required when there are splits): pandas on the python
        engine; on the spark engine a Spark DataFrame whose files the executors read."""
        return self._datasets.read(self._saved("reading it"), split, self._store.engine)

    def show(self, n: int, split: str | None = None) -> Any:
        """The first ``n`` rows (pandas); printed on the spark engine."""
        frame = self.read(split)
        if self._store.engine == "spark":
            frame.show(n)
            return None
        return frame.head(n)

    def tf_data(
        self,
        target_name: str,
        split: str | None = None,
        feature_names: list[str] | None = None,
        var_len_features: list[str] | None = None,
        is_training: bool = True,
        cycle_length: int = 2,
        deterministic: bool = False,
        file_pattern: str = "*.tfrecord*",
    ) -> TFDataEngine:
        """hsfs 2.x: the files as ``tf.data`` (``.tf_record_dataset(...)`` for tfrecord,
        ``.tf_csv_dataset(...)`` for csv). TensorFlow reads local files here: an HDFS
        project's files are copied to a temporary folder first (``td_files.local_files``)."""
        record = self._saved("reading it")
        folders = [s.name for s in record.splits] or [record.name]
        if record.data_format == "csv" and file_pattern == "*.tfrecord*":
            file_pattern = "*.csv"
        chosen = [split] if split is not None else folders
        store = self._store._groups.lab.store
        return TFDataEngine(
            local_files(store, record.location or "", chosen, file_pattern),
            record.data_format,
            record.settings.get("dtypes", {}),
            feature_name(target_name),
            feature_names=feature_names,
            var_len_features=var_len_features,
            is_training=is_training,
            cycle_length=cycle_length,
            deterministic=deterministic,
        )

    # -- statistics -----------------------------------------------------------------

    @property
    def statistics(self) -> Statistics | None:
        record = self._saved("asking for its statistics")
        return statistics_of(self._datasets.catalog, record)

    def get_statistics(self, commit_time: Any = None) -> Statistics | None:
        """The statistics stored with this version."""
        return self.statistics

    def compute_statistics(self) -> Statistics | None:
        """The statistics of this version (computed when it was written)."""
        return self.statistics

    def update_statistics_config(self) -> TrainingDataset:
        """Accepted; statistics are computed when the data is written."""
        return self

    def delete(self) -> None:
        """Delete this version's metadata and files."""
        self._datasets.training.delete(self._saved("deleting it"))
        self._record = None

    # -- query and serving ----------------------------------------------------------

    @property
    def query(self) -> str | None:
        return self.get_query(True, True)

    def get_query(self, online: bool = True, with_label: bool = False) -> str | None:
        """The SQL of the query this version was saved from (DuckDB's dialect, offline);
        ``None`` for a version saved from a DataFrame."""
        from ..featurestore.featureviews.views import ReadRequest

        view = self._datasets.view_of(self._saved("asking for its query"))
        if view is None:
            return None
        return self._datasets.views.sql(view, ReadRequest(with_label=with_label))

    @property
    def serving_keys(self) -> set[str]:
        view = self._datasets.view_of(self._saved("asking for its serving keys"))
        if view is None:
            return set()
        from .feature_view import FeatureView

        return FeatureView._from_record(self._store, view).primary_keys

    def init_prepared_statement(
        self, batch: bool | None = None, external: bool | None = None
    ) -> None:
        """Prepare online lookups of the query this version was saved from."""
        from ..featurestore.featureviews import serving

        view = self._datasets.view_of(self._saved("serving it"))
        if view is None:
            raise FeatureStoreException(
                "this training dataset was saved from a DataFrame, not a query: serving "
                "vectors need the query's feature groups"
            )
        self._serving = serving.serving_for(view, self._store._groups, [], None)

    def _serve(self) -> Any:
        if getattr(self, "_serving", None) is None:
            self.init_prepared_statement()
        return self._serving

    def get_serving_vector(self, entry: dict[str, Any], external: bool | None = None) -> list:
        """The feature values of one entry (primary key values), in query order."""
        return self._serve().vector(entry)

    def get_serving_vectors(
        self, entry: dict[str, list[Any]], external: bool | None = None
    ) -> list[list]:
        """The vectors of several entries, given as ``{key: [values, ...]}``."""
        names = list(entry)
        rows = zip(*entry.values(), strict=True)
        entries = [dict(zip(names, values, strict=True)) for values in rows]
        return self._serve().vectors(entries)
