"""hsfs' ``FeatureStore``: the project's feature groups."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ..catalog import FeatureSpec
from ..featurestore import FeatureGroups, GroupSpec
from ..featurestore.errors import VersionWarning
from ..featurestore.featuregroups.expectations import suite_spec
from ..featurestore.featuregroups.spec import feature_name
from .feature import Feature
from .feature_group import FeatureGroup
from .statistics_config import StatisticsConfig

if TYPE_CHECKING:
    from .hopsworks_udf import HopsworksUdf
    from .transformation_function import TransformationFunction

DEFAULT_VERSION = 1
# The rest of hsfs 5.2.1's create_feature_group parameters: accepted, not acted on yet.
_LATER_OPTIONS = frozenset(
    {
        "transformation_functions", "online_config", "offline_backfill_every_hr",
        "storage_connector", "path", "data_source", "ttl", "ttl_enabled", "online_disk",
        "sink_enabled", "sink_job_conf", "sink_job", "tags", "partitioned_by",
        "online_partition_columns", "zorder_by", "clustered_by", "bucket_index", "sort_order",
    }
)  # fmt: skip


def _check_options(method: str, options: dict[str, Any]) -> None:
    """A name hsfs does not take is a TypeError, as calling hsfs with it would be."""
    unknown = sorted(set(options) - _LATER_OPTIONS)
    if unknown:
        raise TypeError(f"{method}() got an unexpected keyword argument {unknown[0]!r}")


def _names(names: list[str] | None) -> list[str]:
    return [feature_name(n) for n in names or []]


class FeatureStore:
    """The feature store of a project, named ``<project>_featurestore`` as in Hopsworks."""

    def __init__(self, project: str, engine: str = "python") -> None:
        from ..lab import get_lab

        base = project.lower()
        self._name = base if base.endswith("_featurestore") else f"{base}_featurestore"
        self._project_name = self._name.removesuffix("_featurestore")
        self._engine = engine
        self._groups = FeatureGroups(get_lab())

    @property
    def name(self) -> str:
        return self._name

    @property
    def project_name(self) -> str:
        return self._project_name

    @property
    def engine(self) -> str:
        return self._engine

    def _wrap(self, record: Any) -> FeatureGroup:
        return FeatureGroup._from_record(self, self._groups, record)

    def create_feature_group(
        self,
        name: str,
        version: int | None = None,
        description: str = "",
        online_enabled: bool = False,
        time_travel_format: str | None = None,
        partition_key: list[str] | None = None,
        primary_key: list[str] | None = None,
        foreign_key: list[str] | None = None,
        embedding_index: Any = None,
        hudi_precombine_key: str | None = None,
        features: list[Feature] | None = None,
        statistics_config: Any = None,
        event_time: str | None = None,
        stream: bool = False,
        expectation_suite: Any = None,
        parents: list[FeatureGroup] | None = None,
        topic_name: str | None = None,
        notification_topic_name: str | None = None,
        **unsupported: Any,
    ) -> FeatureGroup:
        """An unsaved feature group: the first ``insert`` or ``save`` creates it.
        ``version=None`` takes the next free version then, with a ``VersionWarning``.
        ``statistics_config`` (a ``StatisticsConfig``, dict or bool; default enabled)
        says what statistics each commit gets; ``online_enabled=True`` keeps the latest
        row per primary key in the online store too (``featurestore.featuregroups.online``).
        ``expectation_suite`` (hsfs' ``ExpectationSuite``, a Great Expectations suite or
        its JSON, dict or path; ``validation.Rules`` or their text form too) validates
        every insert and is saved with the group; a malformed one is refused here,
        naming the expectation and the field. Options for what is not offered yet
        (streams, embeddings) are accepted and not acted on."""
        _check_options("create_feature_group", unsupported)
        suite = None if expectation_suite is None else suite_spec(expectation_suite, name=name)
        statistics = StatisticsConfig._coerce(statistics_config)._options().to_dict()
        fmt = (time_travel_format or "DELTA").upper()
        if fmt != "DELTA":
            warnings.warn(
                f"time_travel_format {time_travel_format!r}: feature groups here are Delta "
                "tables; DELTA is used",
                UserWarning,
                stacklevel=2,
            )
        spec = GroupSpec(
            name=feature_name(name),
            version=version or 0,
            description=description or "",
            primary_key=_names(primary_key),
            event_time=feature_name(event_time) if event_time else None,
            partition_key=_names(partition_key),
            online_enabled=bool(online_enabled),
            time_travel_format="DELTA",
            features=[
                FeatureSpec(
                    name=f.name, type=f.type or "", description=f.description or "", dtype=""
                )
                for f in features or []
            ],
            statistics_config=statistics,
            expectation_suite=suite,
        )
        return FeatureGroup._from_spec(self, self._groups, spec)

    def get_or_create_feature_group(
        self,
        name: str,
        version: int,
        description: str | None = "",
        online_enabled: bool | None = False,
        time_travel_format: str | None = None,
        partition_key: list[str] | None = None,
        primary_key: list[str] | None = None,
        foreign_key: list[str] | None = None,
        embedding_index: Any = None,
        hudi_precombine_key: str | None = None,
        features: list[Feature] | None = None,
        statistics_config: Any = None,
        expectation_suite: Any = None,
        event_time: str | None = None,
        stream: bool | None = False,
        parents: list[FeatureGroup] | None = None,
        topic_name: str | None = None,
        notification_topic_name: str | None = None,
        **unsupported: Any,
    ) -> FeatureGroup:
        """The saved ``(name, version)`` if there is one (other arguments ignored), else
        an unsaved group as ``create_feature_group`` makes."""
        _check_options("get_or_create_feature_group", unsupported)
        record = self._groups.get(name, version)
        if record is not None:
            return self._wrap(record)
        return self.create_feature_group(
            name,
            version=version,
            description=description or "",
            online_enabled=bool(online_enabled),
            time_travel_format=time_travel_format,
            partition_key=partition_key,
            primary_key=primary_key,
            features=features,
            statistics_config=statistics_config,
            expectation_suite=expectation_suite,
            event_time=event_time,
        )

    def get_feature_group(self, name: str, version: int | None = None) -> FeatureGroup | None:
        """The saved feature group, or ``None`` when there is none (as in 5.x). No version:
        version 1, with a ``VersionWarning``."""
        if version is None:
            warnings.warn(
                f"No version provided for getting feature group `{name}`, defaulting to "
                f"`{DEFAULT_VERSION}`.",
                VersionWarning,
                stacklevel=2,
            )
            version = DEFAULT_VERSION
        record = self._groups.get(name, version)
        return None if record is None else self._wrap(record)

    def get_feature_groups(self, name: str | None = None) -> list[FeatureGroup]:
        """Every saved feature group, or every version of ``name``."""
        return [self._wrap(r) for r in self._groups.list(name)]

    # -- feature views and training datasets (hsfs 5.2.1 names) --------------------------

    def _view_services(self) -> Any:
        """The feature view and training data services (made once per store)."""
        if getattr(self, "_view_services_made", None) is None:
            from ..featurestore.featureviews.training import TrainingData
            from ..featurestore.featureviews.views import FeatureViews

            views = FeatureViews(self._groups, self._project_name)
            self._view_services_made = (views, TrainingData(views))
        return self._view_services_made

    def _datasets(self) -> Any:
        from ..featurestore.featureviews.datasets import Datasets

        return Datasets(self._view_services()[1])

    def create_feature_view(
        self,
        name: str,
        query: Any,
        version: int | None = None,
        description: str | None = "",
        labels: list[str] | None = None,
        inference_helper_columns: list[str] | None = None,
        training_helper_columns: list[str] | None = None,
        transformation_functions: list[Any] | None = None,
        logging_enabled: bool | None = False,
        max_feature_age: Any = None,
        extra_log_columns: Any = None,
        tags: Any = None,
        logging_materialization_interval: str | None = None,
        logging_transport: str | None = None,
    ) -> Any:
        """Save a feature view of ``query`` at once (``version=None``: the next free
        one). ``labels`` and helper columns must be features of the query;
        ``transformation_functions`` are udfs (``min_max_scaler("amount")``) or
        ``TransformationFunction`` objects. ``tags`` are accepted and not kept; feature
        logging and ``max_feature_age`` are not offered."""
        from .feature_view import FeatureView

        return FeatureView._create(
            self,
            name,
            query,
            version,
            description,
            labels,
            inference_helper_columns,
            training_helper_columns,
            transformation_functions,
            logging_enabled or bool(extra_log_columns),
            max_feature_age,
        )

    def get_or_create_feature_view(
        self,
        name: str,
        query: Any,
        version: int,
        description: str | None = "",
        labels: list[str] | None = None,
        inference_helper_columns: list[str] | None = None,
        training_helper_columns: list[str] | None = None,
        transformation_functions: dict[str, Any] | None = None,
        logging_enabled: bool | None = False,
        max_feature_age: Any = None,
        extra_log_columns: Any = None,
        tags: Any = None,
        logging_materialization_interval: str | None = None,
        logging_transport: str | None = None,
    ) -> Any:
        """The saved ``(name, version)`` if there is one (other arguments ignored), else
        ``create_feature_view`` with these arguments."""
        from .feature_view import FeatureView

        record = self._view_services()[0].get(name, version)
        if record is not None:
            return FeatureView._from_record(self, record)
        return self.create_feature_view(
            name,
            query,
            version=version,
            description=description,
            labels=labels,
            inference_helper_columns=inference_helper_columns,
            training_helper_columns=training_helper_columns,
            transformation_functions=transformation_functions or [],
            logging_enabled=logging_enabled,
            max_feature_age=max_feature_age,
            extra_log_columns=extra_log_columns,
            tags=tags,
        )

    def get_feature_view(self, name: str, version: int | None = None) -> Any:
        """The saved feature view, or ``None`` (5.x). No version: version 1, with a
        ``VersionWarning``."""
        from .feature_view import FeatureView

        if version is None:
            warnings.warn(
                f"No version provided for getting feature view `{name}`, defaulting to "
                f"`{DEFAULT_VERSION}`.",
                VersionWarning,
                stacklevel=2,
            )
            version = DEFAULT_VERSION
        record = self._view_services()[0].get(name, version)
        return None if record is None else FeatureView._from_record(self, record)

    def get_feature_views(self, name: str) -> list[Any]:
        """Every version of feature view ``name`` (empty if none)."""
        from .feature_view import FeatureView

        return [FeatureView._from_record(self, r) for r in self._view_services()[0].list(name)]

    def create_training_dataset(
        self,
        name: str,
        version: int | None = None,
        description: str | None = "",
        data_format: str | None = "tfrecords",
        coalesce: bool | None = False,
        storage_connector: Any = None,
        splits: dict[str, float] | None = None,
        location: str | None = "",
        seed: int | None = None,
        statistics_config: Any = None,
        label: list[str] | None = None,
        transformation_functions: dict[str, Any] | None = None,
        train_split: str | None = None,
        data_source: Any = None,
        tags: Any = None,
    ) -> Any:
        """An unsaved hsfs 3.x training dataset; ``td.save(query or DataFrame)`` writes
        it. ``coalesce``, ``storage_connector``, ``location``, ``data_source`` and
        ``tags`` are accepted and change nothing."""
        from .training_dataset import TrainingDataset

        return TrainingDataset._create(
            self,
            name,
            version,
            description,
            data_format,
            splits,
            seed,
            statistics_config,
            label,
            transformation_functions,
            train_split,
        )

    def get_training_dataset(self, name: str, version: int | None = None) -> Any:
        """A saved hsfs 3.x training dataset, or ``None`` (5.x). No version: version 1,
        with a ``VersionWarning``."""
        from .training_dataset import TrainingDataset

        if version is None:
            warnings.warn(
                f"No version provided for getting training dataset `{name}`, defaulting to "
                f"`{DEFAULT_VERSION}`.",
                VersionWarning,
                stacklevel=2,
            )
            version = DEFAULT_VERSION
        record = self._datasets().get(name, version)
        return None if record is None else TrainingDataset._from_record(self, record)

    def get_training_datasets(self, name: str) -> list[Any]:
        """Every version of hsfs 3.x training dataset ``name``."""
        from .training_dataset import TrainingDataset

        return [TrainingDataset._from_record(self, r) for r in self._datasets().list(name)]

    def sql(
        self,
        query: str,
        dataframe_type: str = "default",
        online: bool = False,
        read_options: dict[str, Any] | None = None,
    ) -> Any:
        """Run SQL (DuckDB's dialect, in process) over the feature groups' latest commits,
        each a table named ``<name>_<version>`` as in Hopsworks (``transactions_1``).
        pandas by default; a Spark DataFrame on the spark engine or with ``"spark"``."""
        from ..featurestore.query.queries import run_sql

        kinds = ("default", "spark", "pandas", "numpy", "python")
        if dataframe_type not in kinds:
            raise TypeError(f"dataframe_type {dataframe_type!r}: use one of {', '.join(kinds)}")
        if online:  # the online rows of the online-enabled groups
            from ..featurestore.query.online_queries import run_sql as run_online_sql

            frame = run_online_sql(self._groups, query)
        else:
            frame = run_sql(self._groups, query)
        if dataframe_type == "spark" or (dataframe_type == "default" and self._engine == "spark"):
            return self._groups.lab.spark.session().createDataFrame(frame)
        if dataframe_type == "numpy":
            return frame.values
        if dataframe_type == "python":
            return frame.values.tolist()
        return frame

    def create_transformation_function(
        self, transformation_function: HopsworksUdf, version: int | None = None
    ) -> TransformationFunction:
        """A ``TransformationFunction`` of the udf (unsaved: call ``.save()``, which
        stores it in the project; without a version it takes the next free one)."""
        from .transformation_function import TransformationFunction

        return TransformationFunction(None, transformation_function, version=version)

    def get_transformation_function(
        self, name: str, version: int | None = None
    ) -> TransformationFunction | list[TransformationFunction] | None:
        """The saved (or built-in) transformation function ``name``: one object, a list
        when no version is given and several match, ``None`` when there is none."""
        from .core import transformation_registry

        return transformation_registry.get(name, version)

    def get_transformation_functions(self) -> list[TransformationFunction]:
        """The built-in transformation functions, then every saved one."""
        from .core import transformation_registry

        return transformation_registry.list_all()

    def __repr__(self) -> str:
        return f"FeatureStore({self._name!r})"
