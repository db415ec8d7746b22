"""hsfs' ``Query``: features selected from a feature group, joined with other queries,
filtered, read as of a commit. ``join``, ``filter`` and ``as_of`` change the query in
place and return it, as in hsfs.

Joins between groups that both have an ``event_time`` are point-in-time correct: each
row gets the joined group's latest row for its key at or before the row's event time
(see ``hopsml_lab.featurestore.query.plan``).

Time windows, as hsfs 5.2.1 has them: ``as_of(wallclock_time, exclude_until)`` picks
commits (``exclude_until`` given: an incremental read of the rows the commits after it
inserted or updated, see ``hopsml_lab.featurestore.query.queries``); ``read(start_time,
end_time)`` filters the left group's ``event_time`` to ``[start_time, end_time)``.
"""

from __future__ import annotations

import logging
import os
import warnings
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ...featurestore.errors import BadFeatureInput, FeatureGroupWarning, FeatureStoreException
from ...featurestore.featuregroups.spec import feature_name
from ...featurestore.query.online_queries import query_sql as online_query_sql
from ...featurestore.query.online_queries import read_query as read_online_query
from ...featurestore.query.plan import JoinSpec, Plan, QuerySpec, Selection, build_plan
from ...featurestore.query.queries import run_pandas
from ...featurestore.query.sql import duckdb_sql
from ...featurestore.times import to_epoch_ms
from .filter import Filter, Logic
from .join import Join

if TYPE_CHECKING:
    from ..feature import Feature
    from ..feature_group import FeatureGroup

TimeInput = str | int | datetime | date | None
DATAFRAME_TYPES = ("default", "spark", "pandas", "numpy", "python")
HOPS_START_TIME_ENV = "HOPS_START_TIME"
HOPS_END_TIME_ENV = "HOPS_END_TIME"
_logger = logging.getLogger(__name__)


def _commit_ms(value: TimeInput) -> int | None:
    """A commit time as hsfs' ``_convert_event_time_to_timestamp`` reads it: any falsy
    value (``None``, ``0``, ``""``) is no time."""
    return None if not value else to_epoch_ms(value)


def _scheduler_time_defaults(start_time: Any, end_time: Any) -> tuple[Any, Any]:
    """hsfs' scheduler defaults: a ``None`` bound takes ``HOPS_START_TIME`` /
    ``HOPS_END_TIME`` (set by Hopsworks' job scheduler) when that is set and not empty."""
    applied = []
    if start_time is None and os.environ.get(HOPS_START_TIME_ENV):
        start_time = os.environ[HOPS_START_TIME_ENV]
        applied.append(f"start_time={start_time} (from ${HOPS_START_TIME_ENV})")
    if end_time is None and os.environ.get(HOPS_END_TIME_ENV):
        end_time = os.environ[HOPS_END_TIME_ENV]
        applied.append(f"end_time={end_time} (from ${HOPS_END_TIME_ENV})")
    if applied:
        _logger.info("Using scheduler-injected data interval: %s", ", ".join(applied))
    return start_time, end_time


def _time_value(feature_type: str | None, value: Any) -> Any:
    """A window bound as the comparison with an event time of ``feature_type`` takes it.
    A timestamp gets hsfs' own filter value: the UTC time to the second,
    ``%Y-%m-%d %H:%M:%S`` (hsfs drops the milliseconds). Ours, where hsfs leaves the
    bound for its backend to read: epoch ms for a ``bigint`` event time, and for a
    ``date`` the first day at or after the bound (``day >= bound`` as midnight)."""
    millis = to_epoch_ms(value)
    assert millis is not None
    moment = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    if feature_type == "bigint":
        return millis
    if feature_type == "date":
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return (midnight if midnight == moment else midnight + timedelta(days=1)).date()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _time_filter(event_time: Feature, start_time: Any, end_time: Any) -> Filter | Logic | None:
    """hsfs' time window on an event time: ``>= start_time`` (inclusive) and
    ``< end_time`` (exclusive), so back-to-back windows read each row once."""
    found: Filter | Logic | None = None
    if start_time is not None:
        found = event_time >= _time_value(event_time.type, start_time)
    if end_time is not None:
        before = event_time < _time_value(event_time.type, end_time)
        found = before if found is None else found & before
    return found


class Query:
    """A query; made by ``FeatureGroup.select*`` / ``filter`` / ``as_of``."""

    def __init__(
        self,
        left_feature_group: FeatureGroup,
        left_features: list[Feature],
        left_feature_group_start_time: TimeInput = None,
        left_feature_group_end_time: TimeInput = None,
        joins: list[Join] | None = None,
        filter: Filter | Logic | None = None,  # hsfs' name
        **kwargs: Any,
    ) -> None:
        self._left_feature_group = left_feature_group
        self._left_features = list(left_features)
        self._start_time = left_feature_group_start_time
        self._end_time = left_feature_group_end_time
        self._joins = list(joins or [])
        self._filter: Logic | None = None
        if filter is not None:
            self.filter(filter)

    # -- building -----------------------------------------------------------------

    def join(
        self,
        sub_query: Query,
        on: list[str] | None = None,
        left_on: list[str] | None = None,
        right_on: list[str] | None = None,
        join_type: str | None = "left",
        prefix: str | None = None,
    ) -> Query:
        """Join ``sub_query`` (default: a left join on the groups' shared primary key);
        ``prefix`` is put before the joined features' names. Changes this query."""
        if not isinstance(sub_query, Query):
            raise BadFeatureInput(
                f"join a Query (fg.select_all(), fg.select([...])), not a "
                f"{type(sub_query).__name__}"
            )
        names = [feature_name(n) for n in on or []]
        join = Join(
            sub_query,
            names,
            [feature_name(n) for n in left_on or []],
            [feature_name(n) for n in right_on or []],
            join_type,
            prefix,
        )
        self._joins.append(join)
        self._plan(quiet=False)  # refuse a join that cannot run now, not at read time
        return self

    def filter(self, f: Filter | Logic) -> Query:
        """Keep the rows where ``f`` holds (ANDed with an existing filter). Changes this
        query."""
        if isinstance(f, Filter):
            f = Logic._Single(f)
        if not isinstance(f, Logic):
            raise BadFeatureInput(
                f"filter with a comparison of features (fg.amount > 10), not a {type(f).__name__}"
            )
        self._filter = f if self._filter is None else Logic._And(self._filter, f)
        return self

    def as_of(self, wallclock_time: TimeInput = None, exclude_until: TimeInput = None) -> Query:
        """Read the left group and the groups joined to it so far as of
        ``wallclock_time`` (inclusive): each at its latest commit at or before it. With
        ``exclude_until`` (exclusive), an incremental read: only the rows inserted or
        updated by the commits after it. Changes this query, as hsfs: both times are kept
        as epoch ms on this query and on the queries joined directly to it (joins of
        those keep theirs)."""
        wallclock, exclude = _commit_ms(wallclock_time), _commit_ms(exclude_until)
        for join in self._joins:
            join.query.left_feature_group_end_time = wallclock
            join.query.left_feature_group_start_time = exclude
        self.left_feature_group_end_time = wallclock
        self.left_feature_group_start_time = exclude
        return self

    def pull_changes(self, wallclock_start_time: TimeInput, wallclock_end_time: TimeInput) -> Query:
        """``as_of(wallclock_end_time, exclude_until=wallclock_start_time)`` on this query
        alone (deprecated in hsfs, kept for old notebooks)."""
        self.left_feature_group_start_time = _commit_ms(wallclock_start_time)
        self.left_feature_group_end_time = _commit_ms(wallclock_end_time)
        return self

    # -- the plan -----------------------------------------------------------------

    def _spec(self) -> QuerySpec:
        group = self._left_feature_group._saved("querying it")
        joins = [
            JoinSpec(j.query._spec(), j.on, j.left_on, j.right_on, j.join_type, j.prefix)
            for j in self._joins
        ]
        predicate = None if self._filter is None else self._filter._predicate()
        start = self._start_time
        selection = Selection(
            group,
            [f.name for f in self._left_features],
            to_epoch_ms(self._end_time),
            None if start in (None, 0) else to_epoch_ms(start),  # 0: a snapshot, as hsfs
        )
        return QuerySpec(selection, joins, predicate)

    def _plan(self, *, quiet: bool = True) -> Plan:
        with warnings.catch_warnings():
            if quiet:  # warned once, when the join was added
                warnings.simplefilter("ignore", FeatureGroupWarning)
            return build_plan(self._spec())

    # -- reading ------------------------------------------------------------------

    def read(
        self,
        online: bool = False,
        dataframe_type: str = "default",
        read_options: dict[str, Any] | None = None,
        start_time: TimeInput = None,
        end_time: TimeInput = None,
    ) -> Any:
        """The query's rows: pandas on the python engine (computed in process by
        DuckDB, or by Spark for groups larger than ``HOPSML_FS_DUCKDB_MAX_BYTES``), a
        Spark DataFrame on the spark engine, or as ``dataframe_type`` says.

        ``start_time`` (inclusive) / ``end_time`` (exclusive) keep the rows whose left
        group's ``event_time`` is in ``[start_time, end_time)``; as in hsfs, that filter
        is added to this query (``filter`` changes it) and stays on it."""
        if start_time is not None or end_time is not None:
            if self._left_feature_group.event_time is None:
                raise FeatureStoreException(
                    "Cannot filter by start_time/end_time: no event_time column is defined "
                    "for the left feature group. Set event_time when creating the feature "
                    "group to enable time-based filtering."
                )
            return self._read_with_time_filter(
                online, dataframe_type, read_options, start_time, end_time
            )
        if dataframe_type not in DATAFRAME_TYPES:
            raise TypeError(
                f"dataframe_type {dataframe_type!r}: use one of {', '.join(DATAFRAME_TYPES)}"
            )
        fg = self._left_feature_group
        spark = fg._store.engine == "spark"
        plan = self._plan()
        if dataframe_type == "spark" or (dataframe_type == "default" and spark):
            if not spark:
                raise TypeError(
                    "dataframe_type 'spark' needs the spark engine: hopsworks.login(engine='spark')"
                )
            if online:  # the online rows of each group, joined on the keys
                rows = read_online_query(fg._groups, plan)
                return fg._groups.lab.spark.session().createDataFrame(rows)
            from ...featurestore.query.spark_query import run_spark

            return run_spark(fg._groups.lab.spark.session(), fg._groups, plan)
        frame = read_online_query(fg._groups, plan) if online else run_pandas(fg._groups, plan)
        if dataframe_type == "numpy":
            return frame.values
        if dataframe_type == "python":
            return frame.values.tolist()
        return frame

    def _read_with_time_filter(
        self,
        online: bool,
        dataframe_type: str,
        read_options: dict[str, Any] | None,
        start_time: TimeInput,
        end_time: TimeInput,
    ) -> Any:
        fg = self._left_feature_group
        window = _time_filter(fg[fg.event_time], start_time, end_time)
        filtered = self.filter(window) if window is not None else self
        return filtered.read(
            online=online, dataframe_type=dataframe_type, read_options=read_options
        )

    def show(self, n: int, online: bool = False) -> Any:
        """The first ``n`` rows: a pandas DataFrame (python engine); printed (spark)."""
        frame = self.read(online=online)
        if self._left_feature_group._store.engine == "spark":
            frame.show(n)
            return None
        return frame.head(n)

    def to_string(self, online: bool = False, arrow_flight: bool = False) -> str:
        """The SQL the Python engine runs (DuckDB's dialect; groups as ``<name>_<version>``,
        aliases ``fg0, fg1, …`` as in hsfs)."""
        if online:  # the online store's join: on the keys, no point-in-time condition
            return online_query_sql(self._plan())
        return duckdb_sql(self._plan())

    # -- what it holds ------------------------------------------------------------

    @property
    def left_feature_group_start_time(self) -> TimeInput:
        return self._start_time

    @left_feature_group_start_time.setter
    def left_feature_group_start_time(self, start_time: TimeInput) -> None:
        self._start_time = start_time

    @property
    def left_feature_group_end_time(self) -> TimeInput:
        return self._end_time

    @left_feature_group_end_time.setter
    def left_feature_group_end_time(self, end_time: TimeInput) -> None:
        self._end_time = end_time

    @property
    def joins(self) -> list[Join]:
        return list(self._joins)

    @property
    def filters(self) -> Logic | None:
        """All filters of the query, as hsfs gives them: this query's, ANDed with those
        of the queries joined to it (the ones a read applies; see ``featurestore.query.plan``)."""
        found = self._filter
        for join in self._joins:
            sub = join.query._filter
            if sub is not None:
                found = sub if found is None else found & sub
        return found

    @property
    def featuregroups(self) -> list[FeatureGroup]:
        """The feature groups read: the left one, then the joined ones in join order."""
        groups = [self._left_feature_group]
        for join in self._joins:
            groups += [g for g in join.query.featuregroups if g not in groups]
        return groups

    @property
    def features(self) -> list[Feature]:
        """The selected features of every group in the query."""
        features = list(self._left_features)
        for join in self._joins:
            features += join.query.features
        return features

    def get_feature(self, name: str) -> Feature:
        found = next((f for f in self.features if f.name == feature_name(name)), None)
        if found is None:
            raise KeyError(f"the query has no feature {name!r}")
        return found

    def __getitem__(self, name: str) -> Feature:
        return self.get_feature(name)

    def __getattr__(self, name: str) -> Feature:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.get_feature(name)
        except KeyError:
            raise AttributeError(f"'Query' object has no attribute {name!r}") from None

    def __str__(self) -> str:
        return self.to_string()

    def __repr__(self) -> str:
        names = [f"{g.name}_{g.version}" for g in self.featuregroups]
        return f"Query({', '.join(names)})"
