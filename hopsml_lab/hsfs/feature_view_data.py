"""The training data and batch data methods of hsfs' ``FeatureView`` (a mixin of
``hsfs.feature_view.FeatureView``), with the argument helpers they share."""

from __future__ import annotations

import warnings
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..featurestore.errors import FeatureStoreException, VersionWarning
from ..featurestore.featureviews.splits import (
    TEST,
    TRAIN,
    VALIDATION,
    check_train_test,
    check_train_validation_test,
    make_splits,
)
from ..featurestore.featureviews.training_parts import Columns, Made
from ..featurestore.query.plan import Predicate
from ..featurestore.times import to_epoch_ms
from .constructor.filter import Filter, Logic
from .statistics import Statistics
from .statistics_config import StatisticsConfig

if TYPE_CHECKING:
    from ..catalog import FeatureViewRecord
    from ..featurestore.featureviews.training import TrainingData
    from ..featurestore.featureviews.views import FeatureViews
    from .feature_store import FeatureStore
    from .training_dataset import TrainingDatasetBase

TimeInput = str | int | datetime | date | None
DATAFRAME_TYPES = ("default", "spark", "pandas", "polars", "numpy", "python")


def _predicate(f: Filter | Logic | None) -> Predicate | None:
    if f is None:
        return None
    if not isinstance(f, Filter | Logic):
        raise FeatureStoreException(
            f"extra_filter takes a Filter or Logic (fg.amount > 10), not a {type(f).__name__}"
        )
    return f._predicate()


def _ms(value: TimeInput) -> int | None:
    return to_epoch_ms(value) if value not in (None, "") else None


def _no_spine(spine: Any, spine_df: Any, lookback: Any) -> None:
    for name, value in (("spine", spine), ("spine_df", spine_df), ("lookback", lookback)):
        if value is not None:
            raise FeatureStoreException(
                f"`{name}` is not offered here: read the feature view's own rows (leave "
                f"{name} out) and join your frame with pandas"
            )


def _reject_unknown_kwargs(kwargs: dict[str, Any], method: str) -> None:
    """hsfs keeps ``**kwargs`` for the old spelling ``primary_keys=`` only."""
    unexpected = sorted(k for k in kwargs if k != "primary_keys")
    if unexpected:
        raise TypeError(f"{method}() got an unexpected keyword argument {unexpected[0]!r}")


def _statistics(config: StatisticsConfig | bool | dict | None) -> Any:
    return StatisticsConfig._coerce(config)._options()


def _check_type(dataframe_type: str | None, spark: bool) -> str:
    """``dataframe_type`` checked before any work is done (lower-cased)."""
    kind = (dataframe_type or "default").lower()
    if kind not in DATAFRAME_TYPES:
        raise TypeError(f"Dataframe type `{dataframe_type}` not supported on this platform.")
    if kind == "spark" and not spark:
        raise TypeError(
            "dataframe_type 'spark' needs the spark engine: hopsworks.login(engine='spark')"
        )
    if kind == "polars":
        import importlib.util

        if importlib.util.find_spec("polars") is None:
            raise ModuleNotFoundError(
                "Polars is not installed: pip install polars, or use dataframe_type='pandas'"
            )
    return kind


def _frame(frame: Any, dataframe_type: str | None, spark: Any) -> Any:
    """A pandas frame (or a Spark one, when Spark is asked for) as ``dataframe_type``
    asks (``spark``: a session, or None)."""
    kind = _check_type(dataframe_type, spark is not None)
    if kind == "spark" or (kind == "default" and spark is not None):
        return frame if not isinstance(frame, pd.DataFrame) else spark.createDataFrame(frame)
    if kind == "polars":
        import polars as pl

        return pl.from_pandas(frame)
    if kind == "numpy":
        return frame.values
    if kind == "python":
        return frame.values.tolist()
    return frame


class TrainingDataMethods:
    """``FeatureView``'s training dataset and batch data methods (hsfs 5.2.1 names)."""

    _record: FeatureViewRecord
    _store: FeatureStore
    _views: FeatureViews
    _training: TrainingData
    _engine: str
    _batch_version: int | None
    _last_accessed_training_dataset: int | None

    def _spark(self) -> Any:  # pragma: no cover - FeatureView's
        raise NotImplementedError

    def update_last_accessed_training_dataset(self, version: int | None) -> None:
        raise NotImplementedError  # pragma: no cover - FeatureView's

    # -- training data --------------------------------------------------------------

    def _make(
        self,
        *,
        splits: list[Any],
        seed: int | None = None,
        start_time: TimeInput = None,
        end_time: TimeInput = None,
        extra_filter: Filter | Logic | None = None,
        description: str | None = "",
        statistics_config: Any = None,
        materialize: bool = False,
        data_format: str | None = "parquet",
        columns: Columns | None = None,
        transformation_context: dict[str, Any] | None = None,
        dataframe_type: str | None = "default",
    ) -> Made:
        _check_type(dataframe_type, self._engine == "spark")
        made = self._training.create(
            self._record,
            splits=splits,
            seed=seed,
            start_ms=_ms(start_time),
            end_ms=_ms(end_time),
            extra_filter=_predicate(extra_filter),
            description=description or "",
            statistics=_statistics(statistics_config),
            materialize=materialize,
            data_format=data_format or "parquet",
            columns=columns,
            engine=self._engine,
            context=transformation_context,
        )
        warnings.warn(
            f"Incremented version to `{made.record.version}`.", VersionWarning, stacklevel=3
        )
        self.update_last_accessed_training_dataset(made.record.version)
        return made

    def _split(self, made: Made, names: list[str], dataframe_type: str | None) -> tuple:
        """(X…, y…) of the named splits: features first, then labels (None without)."""
        spark = self._spark()
        kind = _check_type(dataframe_type, spark is not None)
        xs, ys = [], []
        for name in names:
            frame = made.frames[name]
            if not isinstance(frame, pd.DataFrame) and not (
                kind == "spark" or (kind == "default" and spark is not None)
            ):
                frame = made.pandas(frame)  # made on Spark; a pandas answer collects
            labels = [c for c in made.labels if c in frame.columns]
            if isinstance(frame, pd.DataFrame):
                x, y = frame.drop(columns=labels), frame[labels]
            else:
                x, y = frame.drop(*labels), frame.select(*labels)
            xs.append(_frame(x, dataframe_type, spark))
            ys.append(_frame(y, dataframe_type, spark) if labels else None)
        return (*xs, *ys)

    def training_data(
        self,
        start_time: TimeInput = None,
        end_time: TimeInput = None,
        description: str | None = "",
        extra_filter: Filter | Logic | None = None,
        statistics_config: StatisticsConfig | bool | dict | None = None,
        read_options: dict[Any, Any] | None = None,
        spine: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str | None = "default",
        transformation_context: dict[str, Any] | None = None,
        lookback: Any = None,
        n_processes: int | None = None,
        tags: Any = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> tuple[Any, Any]:
        """``(X, y)`` of the view's rows with left event time in ``[start_time,
        end_time)``; registers an in-memory training dataset version. ``y`` is a frame of
        the labels (``None`` without labels)."""
        _reject_unknown_kwargs(kwargs, "training_data")
        _no_spine(spine, spine_df, lookback)
        columns = Columns(
            kwargs.get("primary_keys") or primary_key, event_time, training_helper_columns
        )
        made = self._make(
            splits=[],
            start_time=start_time,
            end_time=end_time,
            extra_filter=extra_filter,
            description=description,
            statistics_config=statistics_config,
            columns=columns,
            transformation_context=transformation_context,
            dataframe_type=dataframe_type,
        )
        return self._split(made, [""], dataframe_type)

    def train_test_split(
        self,
        test_size: float | None = None,
        train_start: TimeInput = "",
        train_end: TimeInput = "",
        test_start: TimeInput = "",
        test_end: TimeInput = "",
        description: str | None = "",
        extra_filter: Filter | Logic | None = None,
        statistics_config: StatisticsConfig | bool | dict | None = None,
        read_options: dict[Any, Any] | None = None,
        spine: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str | None = "default",
        transformation_context: dict[str, Any] | None = None,
        lookback: Any = None,
        n_processes: int | None = None,
        tags: Any = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> tuple[Any, Any, Any, Any]:
        """``(X_train, X_test, y_train, y_test)``: random by ``test_size`` (seeded), or by
        event time bounds (``[start, end)``); registers an in-memory version."""
        _reject_unknown_kwargs(kwargs, "train_test_split")
        _no_spine(spine, spine_df, lookback)
        check_train_test(test_size, train_end, test_start)
        splits = make_splits(
            2,
            test_size=test_size,
            train_start=train_start,
            train_end=train_end,
            test_start=test_start,
            test_end=test_end,
        )
        columns = Columns(
            kwargs.get("primary_keys") or primary_key, event_time, training_helper_columns
        )
        made = self._make(
            splits=splits,
            extra_filter=extra_filter,
            description=description,
            statistics_config=statistics_config,
            columns=columns,
            transformation_context=transformation_context,
            dataframe_type=dataframe_type,
        )
        return self._split(made, [TRAIN, TEST], dataframe_type)

    def train_validation_test_split(
        self,
        validation_size: float | None = None,
        test_size: float | None = None,
        train_start: TimeInput = "",
        train_end: TimeInput = "",
        validation_start: TimeInput = "",
        validation_end: TimeInput = "",
        test_start: TimeInput = "",
        test_end: TimeInput = "",
        description: str | None = "",
        extra_filter: Filter | Logic | None = None,
        statistics_config: StatisticsConfig | bool | dict | None = None,
        read_options: dict[Any, Any] | None = None,
        spine: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str | None = "default",
        transformation_context: dict[str, Any] | None = None,
        lookback: Any = None,
        n_processes: int | None = None,
        tags: Any = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> tuple[Any, Any, Any, Any, Any, Any]:
        """``(X_train, X_val, X_test, y_train, y_val, y_test)``; registers an in-memory
        version."""
        _reject_unknown_kwargs(kwargs, "train_validation_test_split")
        _no_spine(spine, spine_df, lookback)
        check_train_validation_test(
            validation_size, test_size, train_end, validation_start, validation_end, test_start
        )
        splits = make_splits(
            3,
            validation_size=validation_size,
            test_size=test_size,
            train_start=train_start,
            train_end=train_end,
            validation_start=validation_start,
            validation_end=validation_end,
            test_start=test_start,
            test_end=test_end,
        )
        columns = Columns(
            kwargs.get("primary_keys") or primary_key, event_time, training_helper_columns
        )
        made = self._make(
            splits=splits,
            extra_filter=extra_filter,
            description=description,
            statistics_config=statistics_config,
            columns=columns,
            transformation_context=transformation_context,
            dataframe_type=dataframe_type,
        )
        return self._split(made, [TRAIN, VALIDATION, TEST], dataframe_type)

    # -- materialised training data -------------------------------------------------

    def create_training_data(
        self,
        start_time: TimeInput = "",
        end_time: TimeInput = "",
        storage_connector: Any = None,
        location: str | None = "",
        description: str | None = "",
        extra_filter: Filter | Logic | None = None,
        data_format: str | None = "parquet",
        coalesce: bool | None = False,
        seed: int | None = None,
        statistics_config: StatisticsConfig | bool | dict | None = None,
        write_options: dict[Any, Any] | None = None,
        spine: Any = None,
        transformation_context: dict[str, Any] | None = None,
        data_source: Any = None,
        tags: Any = None,
        lookback: Any = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> tuple[int, None]:
        """Write the view's rows to files under the project
        (``FeatureStore/training_datasets/<view>_<version>_<td version>/<view>/``) in
        ``data_format`` (parquet, csv, tsv or tfrecord) and register the version.
        Returns ``(version, None)``: hsfs' python engine returns the job it launched;
        here the files are written before this returns. ``storage_connector``,
        ``location``, ``data_source`` and ``coalesce`` are accepted and change nothing."""
        _reject_unknown_kwargs(kwargs, "create_training_data")
        _no_spine(spine, spine_df, lookback)
        made = self._make(
            splits=[],
            seed=seed,
            start_time=start_time,
            end_time=end_time,
            extra_filter=extra_filter,
            description=description,
            statistics_config=statistics_config,
            materialize=True,
            data_format=data_format,
            transformation_context=transformation_context,
        )
        return made.record.version, None

    def create_train_test_split(
        self,
        test_size: float | None = None,
        train_start: TimeInput = "",
        train_end: TimeInput = "",
        test_start: TimeInput = "",
        test_end: TimeInput = "",
        storage_connector: Any = None,
        location: str | None = "",
        description: str | None = "",
        extra_filter: Filter | Logic | None = None,
        data_format: str | None = "parquet",
        coalesce: bool | None = False,
        seed: int | None = None,
        statistics_config: StatisticsConfig | bool | dict | None = None,
        write_options: dict[Any, Any] | None = None,
        spine: Any = None,
        transformation_context: dict[str, Any] | None = None,
        data_source: Any = None,
        tags: Any = None,
        lookback: Any = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> tuple[int, None]:
        """Write a train/test split (``train/``, ``test/``); returns ``(version, None)``."""
        _reject_unknown_kwargs(kwargs, "create_train_test_split")
        _no_spine(spine, spine_df, lookback)
        check_train_test(test_size, train_end, test_start)
        splits = make_splits(
            2,
            test_size=test_size,
            train_start=train_start,
            train_end=train_end,
            test_start=test_start,
            test_end=test_end,
        )
        made = self._make(
            splits=splits,
            seed=seed,
            extra_filter=extra_filter,
            description=description,
            statistics_config=statistics_config,
            materialize=True,
            data_format=data_format,
            transformation_context=transformation_context,
        )
        return made.record.version, None

    def create_train_validation_test_split(
        self,
        validation_size: float | None = None,
        test_size: float | None = None,
        train_start: TimeInput = "",
        train_end: TimeInput = "",
        validation_start: TimeInput = "",
        validation_end: TimeInput = "",
        test_start: TimeInput = "",
        test_end: TimeInput = "",
        storage_connector: Any = None,
        location: str | None = "",
        description: str | None = "",
        extra_filter: Filter | Logic | None = None,
        data_format: str | None = "parquet",
        coalesce: bool | None = False,
        seed: int | None = None,
        statistics_config: StatisticsConfig | bool | dict | None = None,
        write_options: dict[Any, Any] | None = None,
        spine: Any = None,
        transformation_context: dict[str, Any] | None = None,
        data_source: Any = None,
        tags: Any = None,
        lookback: Any = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> tuple[int, None]:
        """Write a train/validation/test split; returns ``(version, None)``."""
        _reject_unknown_kwargs(kwargs, "create_train_validation_test_split")
        _no_spine(spine, spine_df, lookback)
        check_train_validation_test(
            validation_size, test_size, train_end, validation_start, validation_end, test_start
        )
        splits = make_splits(
            3,
            validation_size=validation_size,
            test_size=test_size,
            train_start=train_start,
            train_end=train_end,
            validation_start=validation_start,
            validation_end=validation_end,
            test_start=test_start,
            test_end=test_end,
        )
        made = self._make(
            splits=splits,
            seed=seed,
            extra_filter=extra_filter,
            description=description,
            statistics_config=statistics_config,
            materialize=True,
            data_format=data_format,
            transformation_context=transformation_context,
        )
        return made.record.version, None

    def recreate_training_dataset(
        self,
        training_dataset_version: int,
        statistics_config: StatisticsConfig | bool | dict | None = None,
        write_options: dict[Any, Any] | None = None,
        spine: Any = None,
        spine_df: Any = None,
        transformation_context: dict[str, Any] | None = None,
    ) -> None:
        """Write a materialised version again from the feature groups' latest commits
        (same splits, seed and time window). Returns ``None`` (hsfs: the job)."""
        _no_spine(spine, spine_df, None)
        self._training.recreate(
            self._record,
            training_dataset_version,
            None if statistics_config is None else _statistics(statistics_config),
            self._engine,
            transformation_context,
        )
        self.update_last_accessed_training_dataset(training_dataset_version)
        return None

    def _get(
        self,
        version: int,
        names: list[str],
        primary_key: bool,
        event_time: bool,
        training_helper_columns: bool,
        dataframe_type: str | None,
        transformation_context: dict[str, Any] | None,
        spine_df: Any,
    ) -> tuple:
        _no_spine(None, spine_df, None)
        _check_type(dataframe_type, self._engine == "spark")
        made = self._training.read(
            self._record,
            version,
            0 if names == [""] else len(names),
            Columns(primary_key, event_time, training_helper_columns),
            self._engine,
            transformation_context,
        )
        self.update_last_accessed_training_dataset(version)
        return self._split(made, names, dataframe_type)

    def get_training_data(
        self,
        training_dataset_version: int,
        read_options: dict[str, Any] | None = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str | None = "default",
        transformation_context: dict[str, Any] | None = None,
        n_processes: int | None = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> tuple[Any, Any]:
        """``(X, y)`` of a version made without splits (its files, or its commits)."""
        _reject_unknown_kwargs(kwargs, "get_training_data")
        pk = kwargs.get("primary_keys") or primary_key
        return self._get(
            training_dataset_version,
            [""],
            pk,
            event_time,
            training_helper_columns,
            dataframe_type,
            transformation_context,
            spine_df,
        )

    def get_train_test_split(
        self,
        training_dataset_version: int,
        read_options: dict[Any, Any] | None = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str | None = "default",
        transformation_context: dict[str, Any] | None = None,
        n_processes: int | None = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> tuple[Any, Any, Any, Any]:
        """``(X_train, X_test, y_train, y_test)`` of a train/test version."""
        _reject_unknown_kwargs(kwargs, "get_train_test_split")
        pk = kwargs.get("primary_keys") or primary_key
        return self._get(
            training_dataset_version,
            [TRAIN, TEST],
            pk,
            event_time,
            training_helper_columns,
            dataframe_type,
            transformation_context,
            spine_df,
        )

    def get_train_validation_test_split(
        self,
        training_dataset_version: int,
        read_options: dict[str, Any] | None = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str = "default",
        transformation_context: dict[str, Any] | None = None,
        n_processes: int | None = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> tuple[Any, Any, Any, Any, Any, Any]:
        """``(X_train, X_val, X_test, y_train, y_val, y_test)`` of a three-way version."""
        _reject_unknown_kwargs(kwargs, "get_train_validation_test_split")
        pk = kwargs.get("primary_keys") or primary_key
        return self._get(
            training_dataset_version,
            [TRAIN, VALIDATION, TEST],
            pk,
            event_time,
            training_helper_columns,
            dataframe_type,
            transformation_context,
            spine_df,
        )

    def get_training_datasets(self) -> list[TrainingDatasetBase]:
        """The metadata of every training dataset version of this view."""
        from .training_dataset import TrainingDatasetBase

        return [
            TrainingDatasetBase._from_record(self._store, r)
            for r in self._training.list(self._record)
        ]

    def get_training_dataset_statistics(
        self,
        training_dataset_version: int,
        before_transformation: bool = False,
        feature_names: list[str] | None = None,
    ) -> Statistics | None:
        """The statistics of a version: of each split (``split_statistics``) or of the
        whole; ``before_transformation=True``: the transformation statistics fitted on
        the train split."""
        record = self._training.get(self._record, training_dataset_version)
        from .training_dataset import statistics_of

        return statistics_of(
            self._views.catalog,
            record,
            before_transformation,
            feature_names,
            feature_view=(self.name, self.version),
        )

    def delete_training_dataset(self, training_dataset_version: int) -> None:
        """Delete a version's metadata and files."""
        if self._last_accessed_training_dataset == training_dataset_version:
            self.update_last_accessed_training_dataset(None)
        self._training.delete(self._training.get(self._record, training_dataset_version))

    def delete_all_training_datasets(self) -> None:
        """Delete every version's metadata and files."""
        self.update_last_accessed_training_dataset(None)
        for record in self._training.list(self._record):
            self._training.delete(record)

    def purge_training_data(self, training_dataset_version: int) -> None:
        """Delete a version's files; its metadata stays (recreate it later)."""
        self._training.purge(self._training.get(self._record, training_dataset_version))

    def purge_all_training_data(self) -> None:
        for record in self._training.list(self._record):
            self._training.purge(record)

    # -- batch data -----------------------------------------------------------------

    def init_batch_scoring(
        self, training_dataset_version: int | None = None, n_processes: int | None = None
    ) -> None:
        """Use training dataset ``training_dataset_version``'s fitted transformation
        statistics in ``get_batch_data`` (``None``: the newest version that has them)."""
        if training_dataset_version is not None:
            self._training.get(self._record, training_dataset_version)
        self._batch_version = training_dataset_version

    def get_batch_query(
        self,
        start_time: TimeInput = None,
        end_time: TimeInput = None,
        extra_filter: Filter | Logic | None = None,
        lookback: Any = None,
    ) -> str:
        """The SQL ``get_batch_data`` runs (DuckDB's dialect)."""
        from ..featurestore.featureviews.views import ReadRequest

        _no_spine(None, None, lookback)
        request = ReadRequest(
            with_label=False,
            start_ms=_ms(start_time),
            end_ms=_ms(end_time),
            extra_filter=_predicate(extra_filter),
        )
        return self._views.sql(self._record, request)

    def get_batch_data(
        self,
        start_time: TimeInput = None,
        end_time: TimeInput = None,
        read_options: dict[str, Any] | None = None,
        spine: Any = None,
        primary_key: bool | None = None,
        event_time: bool | None = None,
        inference_helper_columns: bool = False,
        dataframe_type: str = "default",
        transformed: bool | None = True,
        transformation_context: dict[str, Any] | None = None,
        logging_data: bool = False,
        extra_filter: Filter | Logic | None = None,
        lookback: Any = None,
        n_processes: int | None = None,
        spine_df: Any = None,
        **kwargs: Any,
    ) -> Any:
        """The view's features (no labels) at the latest commits, with left event time
        in ``[start_time, end_time)``, transformed with the fitted statistics of the
        version ``init_batch_scoring`` named (or the newest that has them)."""
        _reject_unknown_kwargs(kwargs, "get_batch_data")
        _no_spine(spine, spine_df, lookback)
        if logging_data:
            raise FeatureStoreException(
                "feature logging is not offered here: call get_batch_data without logging_data"
            )
        _check_type(dataframe_type, self._engine == "spark")
        frame = self._training.batch(
            self._record,
            start_ms=_ms(start_time),
            end_ms=_ms(end_time),
            extra_filter=_predicate(extra_filter),
            primary_keys=bool(kwargs.get("primary_keys", primary_key)),
            event_time=bool(event_time),
            inference_helpers=inference_helper_columns,
            transformed=bool(transformed),
            version=self._batch_version,
            context=transformation_context,
            engine=self._engine,
        )
        return _frame(frame, dataframe_type, self._spark())
