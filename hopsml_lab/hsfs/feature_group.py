"""hsfs' ``FeatureGroup``: a versioned Delta table of features with commits, time travel
and data validation (its expectation suite and reports: ``core.feature_group_validation``)."""

from __future__ import annotations

import warnings
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..catalog import FeatureGroupRecord
from ..featurestore import FeatureGroups, GroupSpec
from ..featurestore.errors import BadFeatureInput, FeatureStoreException, VersionWarning
from ..featurestore.featuregroups.expectations import DataValidationException
from ..featurestore.featuregroups.groups import Ingested
from ..featurestore.featuregroups.online import OnlineStoreError
from ..featurestore.featuregroups.online import read_group as read_online
from ..featurestore.featuregroups.spec import feature_name
from ..featurestore.featuregroups.statistics import StatisticsOptions, StorageWarning
from ..featurestore.times import committed_on, to_epoch_ms
from .core.constants import HAS_GREAT_EXPECTATIONS
from .core.feature_group_validation import FeatureGroupValidation
from .feature import Feature
from .statistics import Statistics
from .statistics_config import StatisticsConfig

if TYPE_CHECKING:
    from .constructor.filter import Filter, Logic
    from .constructor.query import Query
    from .feature_group_writer import FeatureGroupWriter
    from .feature_store import FeatureStore
    from .validation_report import ValidationReport

TimeInput = str | int | datetime | date | None
DATAFRAME_TYPES = ("default", "spark", "pandas", "numpy", "python")


class FeatureGroup(FeatureGroupValidation):
    """A feature group version. Made by ``FeatureStore`` methods, not directly."""

    def __init__(self) -> None:  # pragma: no cover - use FeatureStore's methods
        raise TypeError(
            "get a FeatureGroup from the feature store: fs.get_or_create_feature_group(...)"
        )

    @classmethod
    def _make(cls, store: FeatureStore, groups: FeatureGroups) -> FeatureGroup:
        fg = object.__new__(cls)
        fg._store, fg._groups = store, groups
        fg._spec, fg._record = None, None
        fg._multi_part_insert = False
        return fg

    @classmethod
    def _from_spec(
        cls, store: FeatureStore, groups: FeatureGroups, spec: GroupSpec
    ) -> FeatureGroup:
        fg = cls._make(store, groups)
        fg._spec = spec
        return fg

    @classmethod
    def _from_record(
        cls, store: FeatureStore, groups: FeatureGroups, record: FeatureGroupRecord
    ) -> FeatureGroup:
        fg = cls._make(store, groups)
        fg._record = record
        return fg

    # -- metadata -----------------------------------------------------------------

    @property
    def _meta(self) -> FeatureGroupRecord | GroupSpec:
        return self._record if self._record is not None else self._spec  # type: ignore[return-value]

    @property
    def id(self) -> int | None:
        return None if self._record is None else self._record.id

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
    def primary_key(self) -> list[str]:
        return list(self._meta.primary_key)

    @property
    def event_time(self) -> str | None:
        return self._meta.event_time

    @property
    def partition_key(self) -> list[str]:
        return list(self._meta.partition_key)

    @property
    def online_enabled(self) -> bool:
        return self._meta.online_enabled

    @property
    def time_travel_format(self) -> str:
        return self._meta.time_travel_format

    @property
    def location(self) -> str | None:
        return None if self._record is None else self._groups.lab.store.url(self._record.location)

    @property
    def feature_store_name(self) -> str:
        return self._store.name

    @property
    def features(self) -> list[Feature]:
        meta = self._meta
        return [
            Feature(
                f.name,
                type=f.type or None,
                description=f.description,
                primary=f.name in meta.primary_key,
                partition=f.name in meta.partition_key,
                feature_group_id=self.id,
                feature_group=self,
            )
            for f in meta.features
        ]

    schema = features

    def get_feature(self, name: str) -> Feature | None:
        return next((f for f in self.features if f.name == feature_name(name)), None)

    def __getitem__(self, name: str) -> Feature:
        feature = self.get_feature(name)
        if feature is None:
            raise KeyError(f"feature group {self.name!r} has no feature {name!r}")
        return feature

    def __getattr__(self, name: str) -> Feature:
        if name.startswith("_"):
            raise AttributeError(name)
        feature = self.get_feature(name) if name == name.lower() else None
        if feature is None:
            raise AttributeError(
                f"'FeatureGroup' object has no attribute {name!r} (and no feature of that name)"
            )
        return feature

    def _saved(self, action: str) -> FeatureGroupRecord:
        if self._record is None:
            raise FeatureStoreException(
                f"feature group {self.name!r} is not saved yet: insert a DataFrame (or save()) "
                f"before {action}"
            )
        return self._record

    def update_description(self, description: str) -> FeatureGroup:
        self._record = self._groups.update_description(self._saved("updating it"), description)
        return self

    def update_feature_description(self, feature_name: str, description: str) -> FeatureGroup:
        record = self._saved("updating it")
        self._record = self._groups.update_feature_description(record, feature_name, description)
        return self

    def delete(self) -> None:
        """Delete this version: its catalog entry, commits and table files."""
        self._groups.delete(self._saved("deleting it"))
        self._record = None

    # -- writing ------------------------------------------------------------------

    def _resolved_spec(self) -> GroupSpec:
        spec = self._spec
        assert spec is not None
        if not spec.version:
            spec.version = self._groups.next_version(spec.name)
            warnings.warn(
                f"No version provided for creating feature group `{spec.name}`, "
                f"incremented version to `{spec.version}`.",
                VersionWarning,
                stacklevel=3,
            )
        return spec

    def insert(
        self,
        features: pd.DataFrame | Any,
        overwrite: bool = False,
        operation: str = "upsert",
        storage: str | None = None,
        write_options: dict[str, Any] | None = None,
        validation_options: dict[str, Any] | None = None,
        wait: bool = False,
        transformation_context: dict[str, Any] | None = None,
        transform: bool = True,
        n_processes: int | None = None,
        save_code: bool = True,
    ) -> tuple[None, ValidationReport | Any | None]:
        """Write a pandas or a Spark DataFrame as one commit; the first insert creates
        the group from the frame's schema. ``operation="upsert"`` updates rows by primary
        key, ``"insert"`` appends; ``overwrite=True`` replaces the content. A large Spark
        DataFrame is written by the executors and committed once by the driver
        (``hopsml_lab.featurestore.featuregroups.spark_insert``). Returns ``(job, report)``:
        no job here (direct writes), and the validation report when the group's
        expectation suite ran (GE's object when great_expectations is installed, else
        hsfs' ``ValidationReport``), stored with the commit this insert made. A group
        whose suite's policy is ``"strict"`` refuses a frame that fails it with
        ``DataValidationException``, writing nothing (the report stored as ``REJECTED``);
        ``validation_options={"run_validation": False}`` skips the suite, and
        ``{"save_report": False}`` keeps the report out of the catalog. Of
        ``write_options`` only ``"delta.enableChangeDataFeed": "false"`` acts (a new group
        then records no change data, so no incremental reads); ``wait``, ``n_processes``
        and ``save_code`` (3.x) are accepted and change nothing.

        ``storage`` writes one store only, as hsfs 5.2.1: ``"offline"`` makes the commit
        and leaves the online rows as they were (later inserts do not copy this one's
        rows online); ``"online"`` upserts the online rows and makes no commit (no
        offline rows, no statistics). Unset: both, the online store when the group is
        online enabled. See ``hopsml_lab.featurestore.featuregroups.online``."""
        where = None if storage is None else str(storage).lower()
        if where not in (None, "offline", "online"):
            raise FeatureStoreException(
                f"Invalid storage: {storage}. Use 'offline', 'online', or leave it unset."
            )
        if where == "online" and not self.online_enabled:
            raise FeatureStoreException(
                f"Online storage is not enabled for feature group {self.name!r}: insert with "
                "storage=None or 'offline', or create the group with online_enabled=True"
            )
        target = self._record if self._record is not None else self._resolved_spec()
        try:
            done = self._groups.ingest(
                target,
                features,
                operation=operation,
                overwrite=overwrite,
                write_options=write_options,
                storage=where,
                validation_options={"save_report": True, **(validation_options or {})},
            )
        except (OnlineStoreError, DataValidationException) as error:
            self._record = error.record or self._record  # a new group exists now
            raise
        self._record = done.record
        return None, self._insert_report(done)

    def _insert_report(self, done: Ingested) -> Any:
        if done.report is None:
            return None
        result = "INGESTED" if done.stored is None else done.stored.ingestion_result
        report = self._report_object(done.report, done.stored, result)
        return report.to_ge_type() if HAS_GREAT_EXPECTATIONS else report

    def multi_part_insert(
        self,
        features: pd.DataFrame | Any = None,
        overwrite: bool = False,
        operation: str = "upsert",
        storage: str | None = None,
        write_options: dict[str, Any] | None = None,
        validation_options: dict[str, Any] | None = None,
        transformation_context: dict[str, Any] | None = None,
        transform: bool = True,
        n_processes: int | None = None,
    ) -> tuple[None, Any] | FeatureGroupWriter:
        """Many small inserts: without ``features`` a ``FeatureGroupWriter`` (a context
        manager whose ``insert`` takes each frame); with them one insert. Each insert is
        one commit here, validated as ``insert`` validates (there is no Kafka buffer to
        flush: ``finalize_multi_part_insert`` only ends the context)."""
        from .feature_group_writer import FeatureGroupWriter

        self._multi_part_insert = True
        writer = FeatureGroupWriter(self)
        if features is None:
            return writer
        return writer.insert(
            features,
            overwrite,
            operation,
            storage,
            write_options or {},
            validation_options or {},
            transformation_context,
            transform=transform,
            n_processes=n_processes,
        )

    def finalize_multi_part_insert(self) -> None:
        """End a multi part insert started by ``multi_part_insert(features)``."""
        self._multi_part_insert = False

    def save(
        self,
        features: pd.DataFrame | list[Feature] | None = None,
        write_options: dict[str, Any] | None = None,
        validation_options: dict[str, Any] | None = None,
        wait: bool = False,
        n_processes: int | None = None,
    ) -> tuple[None, Any]:
        """Create the group: with a DataFrame, write it as the first commit; with a list
        of ``Feature`` (or none, if given at creation), register its schema only (with
        the expectation suite it was created with)."""
        if isinstance(features, pd.DataFrame) or hasattr(features, "toPandas"):
            return self.insert(
                features, write_options=write_options, validation_options=validation_options
            )
        if self._record is not None:
            raise FeatureStoreException(f"feature group {self.name!r} is saved already")
        spec = self._resolved_spec()
        if features:
            from ..catalog import FeatureSpec

            spec.features = [
                FeatureSpec(
                    name=f.name, type=f.type or "", description=f.description or "", dtype=""
                )
                for f in features
            ]
        if not spec.features:
            raise FeatureStoreException(
                "Feature list not provided: pass a DataFrame or a list of Feature objects to save()"
            )
        self._record = self._groups.register(spec)
        return None, None

    # -- reading ------------------------------------------------------------------

    def _frame(self, as_of_ms: int | None, dataframe_type: str, online: bool = False) -> Any:
        record = self._saved("reading it")
        if dataframe_type not in DATAFRAME_TYPES:
            raise TypeError(
                f"dataframe_type {dataframe_type!r}: use one of {', '.join(DATAFRAME_TYPES)}"
            )
        spark = self._store.engine == "spark"
        if dataframe_type == "spark" or (dataframe_type == "default" and spark):
            if not spark:
                raise TypeError(
                    "dataframe_type 'spark' needs the spark engine: hopsworks.login(engine='spark')"
                )
            if online:  # the online rows (latest per primary key)
                rows = read_online(self._groups, record)
                return self._groups.lab.spark.session().createDataFrame(rows)
            return self._spark_frame(record, as_of_ms)
        frame = read_online(self._groups, record) if online else self._groups.read(record, as_of_ms)
        if dataframe_type == "numpy":
            return frame.values
        if dataframe_type == "python":
            return frame.values.tolist()
        return frame

    def _spark_frame(self, record: FeatureGroupRecord, as_of_ms: int | None) -> Any:
        session = self._groups.lab.spark.session()
        files = self._groups.files(record, as_of_ms)
        if not files:
            return session.createDataFrame(self._groups.read(record, as_of_ms))
        return session.read.parquet(*files).select(*[f.name for f in record.features])

    def read(
        self,
        wallclock_time: TimeInput = None,
        online: bool = False,
        dataframe_type: str = "default",
        read_options: dict[str, Any] | None = None,
        start_time: TimeInput = None,
        end_time: TimeInput = None,
    ) -> Any:
        """The group's rows: a pandas DataFrame on the python engine, a Spark DataFrame
        on the spark engine (or as ``dataframe_type`` says). ``wallclock_time`` works on
        the spark engine; on the python engine use ``as_of(t).read()`` as in hsfs.

        ``start_time`` (inclusive) and ``end_time`` (exclusive) keep the rows whose
        ``event_time`` is in ``[start_time, end_time)``, as hsfs 5.2.1: without them (and
        without ``wallclock_time``) the scheduler's ``HOPS_START_TIME`` / ``HOPS_END_TIME``
        environment variables are used when set; a group without ``event_time``, or a
        ``wallclock_time`` with them, is refused."""
        from .constructor.query import _scheduler_time_defaults, _time_filter

        if wallclock_time is None and self.event_time is not None:
            start_time, end_time = _scheduler_time_defaults(start_time, end_time)
        if wallclock_time and self._store.engine != "spark":
            raise FeatureStoreException(
                "Python environments does not support incremental queries. "
                "Use fg.as_of(wallclock_time).read() instead."
            )
        if start_time is not None or end_time is not None:
            if self.event_time is None:
                raise FeatureStoreException(
                    "Cannot filter by start_time/end_time: no event_time column is defined "
                    "for this feature group. Set event_time when creating the feature group "
                    "to enable time-based filtering."
                )
            if wallclock_time is not None:
                raise FeatureStoreException(
                    "Cannot use wallclock_time together with start_time/end_time. "
                    "wallclock_time is for time travel (reading historical snapshots), while "
                    "start_time/end_time filter on the event_time column values."
                )
            query = self.select_all()
            time_filter = _time_filter(self[self.event_time], start_time, end_time)
            if time_filter is not None:
                query = query.filter(time_filter)
            return query.read(online, dataframe_type, read_options or {})
        return self._frame(to_epoch_ms(wallclock_time), dataframe_type, online)

    def read_changes(
        self,
        start_wallclock_time: TimeInput,
        end_wallclock_time: TimeInput,
        read_options: dict[str, Any] | None = None,
    ) -> Any:
        """The rows inserted or updated by the commits after ``start_wallclock_time`` up
        to ``end_wallclock_time``. Deprecated in hsfs (no warning there either): use
        ``as_of(end_wallclock_time, exclude_until=start_wallclock_time).read()``."""
        return (
            self.select_all()
            .pull_changes(start_wallclock_time, end_wallclock_time)
            .read(False, "default", read_options or {})
        )

    def show(self, n: int, online: bool = False) -> Any:
        """The first ``n`` rows: a pandas DataFrame (python engine); printed (spark)."""
        frame = self.read(online=online)
        if self._store.engine == "spark":
            frame.show(n)
            return None
        return frame.head(n)

    def as_of(self, wallclock_time: TimeInput = None, exclude_until: TimeInput = None) -> Query:
        """``select_all().as_of(...)``: a query reading the group as of ``wallclock_time``
        (its latest commit whose id, epoch ms, is at or before it). With
        ``exclude_until``, an incremental read: only the rows inserted or updated by the
        commits after ``exclude_until`` (exclusive) up to ``wallclock_time`` (inclusive;
        ``None``: the latest), as hsfs reads a Delta group's change data feed."""
        return self.select_all().as_of(wallclock_time, exclude_until)

    # -- queries ------------------------------------------------------------------

    def _query(self, names: list[str]) -> Query:
        from .constructor.query import Query

        self._saved("querying it")
        return Query(self, [self[n] for n in names])

    def _names(self, features: list[str | Feature] | None, what: str) -> list[str]:
        if isinstance(features, str | Feature):
            features = [features]
        names = [feature_name(f.name if isinstance(f, Feature) else f) for f in features or []]
        unknown = [n for n in names if self.get_feature(n) is None]
        if unknown:
            raise BadFeatureInput(
                f"{what}: feature group {self.name!r} has no feature {unknown} (its features "
                f"are {[f.name for f in self.features]})"
            )
        return names

    def select_all(
        self,
        include_primary_key: bool = True,
        include_foreign_key: bool = True,
        include_partition_key: bool = True,
        include_event_time: bool = True,
    ) -> Query:
        """A query of every feature, less the kinds switched off (5.x order: the second
        positional argument is ``include_foreign_key``)."""
        leave = set()
        if not include_primary_key:
            leave |= set(self.primary_key)
        if not include_partition_key:
            leave |= set(self.partition_key)
        if not include_event_time and self.event_time:
            leave.add(self.event_time)
        return self._query([f.name for f in self.features if f.name not in leave])

    def select(self, features: list[str | Feature]) -> Query:
        """A query of the named features (names or ``Feature`` objects), in group order."""
        names = set(self._names(features, "select"))
        return self._query([f.name for f in self.features if f.name in names])

    def select_except(self, features: list[str | Feature] | None = None) -> Query:
        """A query of every feature but those named (none named: ``select_all()``)."""
        leave = set(self._names(features, "select_except"))
        return self._query([f.name for f in self.features if f.name not in leave])

    def select_features(self) -> Query:
        """A query of the plain features: no primary key, partition key or event time."""
        return self.select_all(False, False, False, False)

    def filter(self, f: Filter | Logic) -> Query:
        """``select_all().filter(f)``."""
        return self.select_all().filter(f)

    def commit_details(
        self, wallclock_time: TimeInput = None, limit: int | None = None
    ) -> dict[int, dict[str, Any]]:
        """``{commit id (epoch ms): {"committedOn", "rowsUpdated", "rowsInserted",
        "rowsDeleted"}}``, newest first, up to ``wallclock_time`` and ``limit`` commits."""
        record = self._saved("asking for its commits")
        commits = self._groups.commits(record, to_epoch_ms(wallclock_time), limit)
        return {
            c.commit_id: {
                "committedOn": committed_on(c.commit_id),
                "rowsUpdated": c.rows_updated,
                "rowsInserted": c.rows_inserted,
                "rowsDeleted": c.rows_deleted,
            }
            for c in commits
        }

    # -- statistics -----------------------------------------------------------------

    @property
    def statistics_config(self) -> StatisticsConfig:
        """What statistics each commit gets (hsfs' default: enabled, descriptive only)."""
        return StatisticsConfig._from_options(
            StatisticsOptions.from_dict(self._meta.statistics_config)
        )

    @statistics_config.setter
    def statistics_config(self, statistics_config: StatisticsConfig | dict | bool | None) -> None:
        options = StatisticsConfig._coerce(statistics_config)._options().to_dict()
        if self._record is None:
            self._meta.statistics_config = options
        else:  # saved: kept in the catalog at once (update_statistics_config() as well)
            self._record = self._groups.catalog.update_group(
                self._record.id, statistics_config=options
            )

    def update_statistics_config(self) -> FeatureGroup:
        """Save ``statistics_config`` (setting it saves it here already); returns self."""
        self.statistics_config = self.statistics_config
        return self

    def _statistics(self, found: Any, feature_names: list[str] | None = None) -> Statistics:
        commit, stats = found
        wanted = None if feature_names is None else {feature_name(n) for n in feature_names}
        return Statistics(
            computation_time=stats["computation_time"],
            row_percentage=stats.get("row_percentage", 1.0),
            feature_descriptive_statistics=[
                f
                for f in stats["feature_descriptive_statistics"]
                if wanted is None or f["feature_name"] in wanted
            ],
            feature_group_id=self.id,
            window_end_commit_time=commit.commit_id,
        )

    @property
    def statistics(self) -> Statistics | None:
        """The statistics of the latest commit that has them (``None`` if none has)."""
        return self.get_statistics()

    def get_statistics(
        self,
        computation_time: str | float | datetime | date | None = None,
        feature_names: list[str] | None = None,
    ) -> Statistics | None:
        """The statistics of the newest commit at or before ``computation_time`` (any
        time input ``as_of`` takes; ``None``: now) that has statistics, for
        ``feature_names`` only if given; ``None`` when there are none."""
        if self._record is None:
            return None
        if isinstance(computation_time, float):  # epoch seconds or ms, as ints are read
            computation_time = int(computation_time)
        up_to = to_epoch_ms(computation_time)
        found = self._groups.catalog.commit_statistics(self._record.id, up_to_ms=up_to)
        return None if found is None else self._statistics(found, feature_names)

    def compute_statistics(self, wallclock_time: TimeInput = None) -> Statistics | None:
        """Statistics of the commit at ``wallclock_time`` (default: the latest): those
        stored if they have what ``statistics_config`` asks for, else computed now and
        stored with the commit. Statistics disabled: a ``StorageWarning`` and ``None``,
        as hsfs."""
        record = self._saved("computing its statistics")
        if not self.statistics_config.enabled:
            warnings.warn(
                f"The statistics are not enabled of feature group `{self.name}`, with version"
                f" `{self.version}`. No statistics computed.",
                StorageWarning,
                stacklevel=2,
            )
            return None
        from ..featurestore.featuregroups.statistics import compute_for_commit

        found = compute_for_commit(self._groups, record, to_epoch_ms(wallclock_time))
        return self._statistics(found)

    def __repr__(self) -> str:
        return f"FeatureGroup({self.name!r}, {self.version}, {self.description!r})"
