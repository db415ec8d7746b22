"""hsfs' ``Query``: features selected from a feature group, joined with other queries,
filtered, read as of a commit. ``join``, ``filter`` and ``as_of`` change the query in
place and return it, as in hsfs.

Joins between groups that both have an ``event_time`` are point-in-time correct: each
row gets the joined group's latest row for its key at or before the row's event time
(see ``hopsml_lab.featurestore.plan``).
"""

from __future__ import annotations

import warnings
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ...featurestore.errors import BadFeatureInput, FeatureGroupWarning, FeatureStoreException
from ...featurestore.groups import feature_name
from ...featurestore.plan import JoinSpec, Plan, QuerySpec, Selection, build_plan
from ...featurestore.queries import run_pandas
from ...featurestore.sql import duckdb_sql
from ...featurestore.times import to_epoch_ms
from .filter import Filter, Logic
from .join import Join

if TYPE_CHECKING:
    from ..feature import Feature
    from ..feature_group import FeatureGroup

TimeInput = str | int | datetime | date | None
DATAFRAME_TYPES = ("default", "spark", "pandas", "numpy", "python")


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
        """Read every group of the query (the left one and those joined so far) as of
        ``wallclock_time``: its latest commit at or before it. Changes this query."""
        if exclude_until is not None:
            raise FeatureStoreException(
                "exclude_until (incremental reads) is not offered yet: use as_of(t) alone"
            )
        to_epoch_ms(wallclock_time)  # refuse a bad time now
        self._end_time = wallclock_time
        for join in self._joins:
            join.query.as_of(wallclock_time)
        return self

    # -- the plan -----------------------------------------------------------------

    def _spec(self) -> QuerySpec:
        group = self._left_feature_group._saved("querying it")
        joins = [
            JoinSpec(j.query._spec(), j.on, j.left_on, j.right_on, j.join_type, j.prefix)
            for j in self._joins
        ]
        predicate = None if self._filter is None else self._filter._predicate()
        selection = Selection(
            group, [f.name for f in self._left_features], to_epoch_ms(self._end_time)
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
        DuckDB), a Spark DataFrame on the spark engine, or as ``dataframe_type`` says."""
        if online:
            raise FeatureStoreException(
                "the online store is not offered yet: read the query with online=False"
            )
        if start_time is not None or end_time is not None:
            raise FeatureStoreException(
                "start_time/end_time are not offered yet: filter on the event time "
                "(query.filter(fg.ts >= t))"
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
            from ...featurestore.spark_query import run_spark

            return run_spark(fg._groups.lab.spark.session(), fg._groups, plan)
        frame = run_pandas(fg._groups, plan)
        if dataframe_type == "numpy":
            return frame.values
        if dataframe_type == "python":
            return frame.values.tolist()
        return frame

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
        if online:
            raise FeatureStoreException("the online store is not offered yet: use online=False")
        return duckdb_sql(self._plan())

    # -- what it holds ------------------------------------------------------------

    @property
    def left_feature_group_start_time(self) -> TimeInput:
        return self._start_time

    @property
    def left_feature_group_end_time(self) -> TimeInput:
        return self._end_time

    @property
    def joins(self) -> list[Join]:
        return list(self._joins)

    @property
    def filters(self) -> Logic | None:
        return self._filter

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
