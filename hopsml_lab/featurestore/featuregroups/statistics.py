"""Descriptive statistics of a feature group commit, as Hopsworks computes them (Deequ's
column profile, the shapes ``hsfs.core.feature_descriptive_statistics`` reads).

One DuckDB query over the commit's Delta version (scanned as an Arrow dataset, nothing
copied to pandas) computes every feature's aggregates at once: counts, nulls,
approximate distinct values (HyperLogLog), min / max / mean / population standard
deviation (Deequ's) / sum and approximate percentiles for numbers, value frequencies for
strings and booleans (top 10 kept), Pearson correlations between numeric features, and,
with ``exact_uniqueness``, exact distinct values, distinctness, uniqueness and entropy
from per-feature frequency maps reduced inside the query. Equal-width histograms need
each feature's min and max first, so they take one more scan (all features at once) when
``histograms`` is on.

The result is a JSON-able dict stored on the commit's catalog row in the same
transaction that records the commit, so statistics exist exactly for recorded commits.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ...catalog import CommitRecord, FeatureGroupRecord
from ..errors import BadFeatureInput, FeatureStoreException

if TYPE_CHECKING:
    from .reader import GroupReader

DEFAULT_BINS = 20
TOP_VALUES = 10
PERCENTILES = [round(i / 100, 2) for i in range(1, 101)]  # Deequ's 100 approx. percentiles


class StorageWarning(Warning):
    """Statistics were asked for but are not enabled (hsfs' ``hsfs.util.StorageWarning``)."""


class StatisticsWarning(Warning):
    """A statistic could not be computed as configured (hsfs' ``StatisticsWarning``)."""


@dataclass
class StatisticsOptions:
    """What to compute: hsfs' ``StatisticsConfig`` as the catalog keeps it."""

    enabled: bool = True
    correlations: bool = False
    histograms: bool = False
    exact_uniqueness: bool = False
    columns: list[str] = field(default_factory=list)
    kll: bool = False
    histogram_bins: int | None = None

    @classmethod
    def from_dict(cls, value: dict[str, Any] | None) -> StatisticsOptions:
        value = dict(value or {})
        known = {k: value[k] for k in asdict(cls()) if k in value}
        known["columns"] = [str(c).lower().replace(" ", "_") for c in known.get("columns") or []]
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _finite(value: Any) -> Any:
    """JSON has no NaN/Infinity (PostgreSQL refuses them): ``None`` instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def data_type(arrow_type: pa.DataType) -> str:
    """Deequ's data type, as hsfs names it: Integral, Fractional, Boolean or String."""
    t = pa.types
    if t.is_integer(arrow_type):
        return "Integral"
    if t.is_floating(arrow_type) or t.is_decimal(arrow_type):
        return "Fractional"
    if t.is_boolean(arrow_type):
        return "Boolean"
    return "String"  # strings; timestamps, dates, binary and nested types too (as hsfs)


def _is_plain(arrow_type: pa.DataType) -> bool:
    """A type DuckDB can count distinct values of (not nested)."""
    t = pa.types
    return not (
        t.is_list(arrow_type)
        or t.is_large_list(arrow_type)
        or t.is_struct(arrow_type)
        or t.is_map(arrow_type)
        or t.is_fixed_size_list(arrow_type)
    )


def _entries(values: list[dict[str, Any]] | None, total: int) -> list[dict[str, Any]]:
    return [
        {
            "value": str(e["v"]).lower() if isinstance(e["v"], bool) else str(e["v"]),
            "count": int(-e["c"]),
            "ratio": (-e["c"]) / total if total else None,
        }
        for e in values or []
    ]


def _select(
    schema: pa.Schema, names: list[str], options: StatisticsOptions
) -> tuple[list[str], list[tuple[str, str]], dict[str, tuple[str, ...]]]:
    """The query's aggregate expressions (``expr AS alias``), the per-feature derived
    outputs computed from them, and which alias holds which statistic."""
    aggregates = ["count(*) AS n"]
    derived: list[tuple[str, str]] = []
    fields: dict[str, tuple[str, ...]] = {}
    freq = "lambda e: {'c': -(e.value::BIGINT), 'v': e.key}"
    for i, name in enumerate(names):
        kind = data_type(schema.field(name).type)
        col = _quote(name)
        value = f"{col}::DOUBLE" if kind in ("Integral", "Fractional") else col
        aggregates.append(f"count({col}) AS c{i}_nn")
        wanted = ["nn"]
        if _is_plain(schema.field(name).type):
            aggregates.append(f"approx_count_distinct({col}) AS c{i}_ad")
            wanted.append("ad")
        if kind in ("Integral", "Fractional"):
            aggregates += [
                f"min({value}) AS c{i}_min",
                f"max({value}) AS c{i}_max",
                f"avg({value}) AS c{i}_mean",
                f"stddev_pop({value}) AS c{i}_std",
                f"sum({value}) AS c{i}_sum",
                f"approx_quantile({value}, {PERCENTILES}) AS c{i}_pct",
            ]
            wanted += ["min", "max", "mean", "std", "sum", "pct"]
        top = kind in ("String", "Boolean") and (
            pa.types.is_string(schema.field(name).type)
            or pa.types.is_large_string(schema.field(name).type)
            or kind == "Boolean"
        )
        exact = options.exact_uniqueness and _is_plain(schema.field(name).type)
        if top or exact:
            aggregates.append(f"histogram({col}) AS c{i}_f")
            if exact:
                derived += [
                    (f"cardinality(c{i}_f)", f"c{i}_ex"),
                    (f"list_count(list_filter(map_values(c{i}_f), lambda c: c = 1))", f"c{i}_u1"),
                    (
                        f"list_sum(list_transform(map_values(c{i}_f), lambda c: c * ln(c)))",
                        f"c{i}_cln",
                    ),
                ]
                wanted += ["ex", "u1", "cln"]
            if top:
                derived.append(
                    (
                        f"list_slice(list_sort(list_transform(map_entries(c{i}_f), {freq})), 1, "
                        f"{TOP_VALUES})",
                        f"c{i}_top",
                    )
                )
                wanted.append("top")
        fields[name] = tuple(wanted)
    return aggregates, derived, fields


def compute(dataset: Any, features: list[str], options: StatisticsOptions) -> dict[str, Any]:
    """Statistics of ``dataset`` (an Arrow table or dataset) for ``features`` (or the
    configured ``columns``): ``{"computation_time", "row_percentage",
    "feature_descriptive_statistics": [...], "config"}``, JSON-able."""
    import duckdb

    schema = dataset.schema
    names = list(features)
    if options.columns:
        unknown = [c for c in options.columns if c not in names]
        if unknown:
            raise BadFeatureInput(
                f"statistics_config columns {unknown} are not features of the group "
                f"({names}): name existing features, or leave columns empty for all"
            )
        names = [n for n in names if n in options.columns]
    kinds = {n: data_type(schema.field(n).type) for n in names}
    numeric = [n for n in names if kinds[n] in ("Integral", "Fractional")]
    aggregates, derived, fields = _select(schema, names, options)
    pairs = []
    if options.correlations:
        for a in range(len(numeric)):
            for b in range(a + 1, len(numeric)):
                alias = f"r{a}_{b}"
                aggregates.append(
                    f"corr({_quote(numeric[a])}::DOUBLE, {_quote(numeric[b])}::DOUBLE) AS {alias}"
                )
                pairs.append((numeric[a], numeric[b], alias))

    con = duckdb.connect()
    try:
        con.register("data", dataset)
        # The frequency maps stay inside DuckDB: only what is derived from them comes out.
        maps = [a.split(" AS ")[-1] for a in aggregates if a.endswith("_f")]
        star = f"* EXCLUDE ({', '.join(maps)})" if maps else "*"
        outer = [star] + [f"{expr} AS {alias}" for expr, alias in derived]
        query = (
            f"WITH agg AS (SELECT {', '.join(aggregates)} FROM data) "
            f"SELECT {', '.join(outer)} FROM agg"
        )
        cursor = con.execute(query)
        columns = [d[0] for d in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
        bins = options.histogram_bins or DEFAULT_BINS
        histograms = _histograms(con, names, numeric, row, bins) if options.histograms else {}
    finally:
        con.close()

    total = int(row["n"])
    correlations: dict[str, list[dict[str, Any]]] = {n: [] for n in numeric}
    for a, b, alias in pairs:
        value = _finite(row[alias])
        correlations[a].append({"column": b, "correlation": value})
        correlations[b].append({"column": a, "correlation": value})

    described = []
    for i, name in enumerate(names):
        have = fields[name]
        get = lambda key, i=i: row.get(f"c{i}_{key}")  # noqa: E731
        stats: dict[str, Any] = {"feature_name": name, "feature_type": kinds[name], "count": total}
        if total == 0:  # as hsfs: an empty commit has a count only
            described.append(stats)
            continue
        non_null = int(get("nn"))
        stats.update(
            num_non_null_values=non_null,
            num_null_values=total - non_null,
            completeness=non_null / total,
        )
        if "ad" in have:
            stats["approx_num_distinct_values"] = int(get("ad"))
        if "min" in have and non_null:
            stats.update(
                min=_finite(get("min")),
                max=_finite(get("max")),
                mean=_finite(get("mean")),
                std_dev=_finite(get("std")),
                sum=_finite(get("sum")),
                percentiles=[_finite(v) for v in get("pct") or []] or None,
            )
        if "ex" in have:
            distinct = int(get("ex") or 0)
            stats["exact_num_distinct_values"] = distinct
            if non_null:
                clnc = float(get("cln") or 0.0)
                stats.update(
                    distinctness=distinct / non_null,
                    uniqueness=int(get("u1") or 0) / non_null,
                    entropy=_finite(math.log(non_null) - clnc / non_null),
                )
        extended: dict[str, Any] = {}
        if "top" in have:
            extended["histogram"] = _entries(get("top"), total)
        if name in histograms:
            extended["histogram"] = histograms[name]
        if options.correlations and name in correlations:
            extended["correlations"] = correlations[name]
        stats["extended_statistics"] = extended or None
        described.append(stats)
    return {
        "computation_time": int(time.time() * 1000),
        "row_percentage": 1.0,
        "config": options.to_dict(),
        "feature_descriptive_statistics": described,
    }


def _histograms(
    con: Any, names: list[str], numeric: list[str], row: dict[str, Any], bins: int
) -> dict[str, list[dict[str, Any]]]:
    """Equal-width histograms of the numeric features: one scan for all of them. Bins
    are ``[lo, hi)`` but the last also holds the maximum; labels are ``"lo to hi"`` as
    Deequ writes them."""
    if bins < 1:
        raise BadFeatureInput(f"histogram_bins {bins}: give a positive number of bins")
    exprs, edges = [], {}
    for name in numeric:
        i = names.index(name)
        low, high = row.get(f"c{i}_min"), row.get(f"c{i}_max")
        if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
            continue
        col = f"{_quote(name)}::DOUBLE"
        if high > low:
            scale = bins / (high - low)
            bin_of = f"least(floor(({col} - {low!r}) * {scale!r})::BIGINT, {bins - 1})"
        else:
            bin_of = "0"
        index = f"CASE WHEN {col} IS NULL THEN NULL ELSE {bin_of} END"  # least() skips NULLs
        exprs.append(f"histogram({index}) AS h{i}")
        edges[name] = (i, low, high)
    if not exprs:
        return {}
    cursor = con.execute(f"SELECT {', '.join(exprs)} FROM data")
    columns = [d[0] for d in cursor.description]
    got = dict(zip(columns, cursor.fetchone(), strict=True))
    total = int(row["n"])
    result = {}
    for name, (i, low, high) in edges.items():
        counts = got[f"h{i}"] or {}
        width = (high - low) / bins
        parts = bins if high > low else 1
        uppers = [low + (k + 1) * width for k in range(parts - 1)] + [high]
        result[name] = [
            {
                "value": f"{low if k == 0 else uppers[k - 1]!r} to {uppers[k]!r}",
                "count": int(counts.get(k, 0)),
                "ratio": int(counts.get(k, 0)) / total if total else None,
            }
            for k in range(parts)
        ]
    return result


# -- the feature store's side: which commit, stored where -----------------------------


def options_of(group: FeatureGroupRecord) -> StatisticsOptions:
    return StatisticsOptions.from_dict(group.statistics_config)


def compute_for_version(
    groups: GroupReader, group: FeatureGroupRecord, table_version: int
) -> dict[str, Any] | None:
    """Statistics of one Delta version of ``group`` as its config asks (``None`` when
    statistics are disabled)."""
    options = options_of(group)
    if not options.enabled:
        return None
    dataset = groups.table(group).dataset(table_version)  # local or on HDFS
    return compute(dataset, [f.name for f in group.features], options)


def stored(
    groups: GroupReader, group: FeatureGroupRecord, up_to_ms: int | None = None
) -> tuple[CommitRecord, dict[str, Any]] | None:
    """The newest commit at or before ``up_to_ms`` that has statistics, with them."""
    return groups.catalog.commit_statistics(group.id, up_to_ms=up_to_ms)


def missing(options: StatisticsOptions, statistics: dict[str, Any] | None) -> bool:
    """Whether ``statistics`` lack what ``options`` ask for (hsfs'
    ``_are_statistics_missing``), so they must be computed again."""
    if not options.enabled:
        return False
    if statistics is None:
        return True
    had = StatisticsOptions.from_dict(statistics.get("config"))
    if options.columns != had.columns:
        return True
    if (options.histogram_bins or DEFAULT_BINS) != (had.histogram_bins or DEFAULT_BINS):
        return options.histograms
    return (
        (options.histograms and not had.histograms)
        or (options.correlations and not had.correlations)
        or (options.exact_uniqueness and not had.exact_uniqueness)
    )


def compute_for_commit(
    groups: GroupReader, group: FeatureGroupRecord, up_to_ms: int | None = None
) -> tuple[CommitRecord, dict[str, Any]]:
    """Statistics of the commit at or before ``up_to_ms`` (the latest without): the
    stored ones if they have what the config asks for, else computed and stored."""
    commits = groups.commits(group, up_to_ms=up_to_ms, limit=1)
    if not commits:
        raise FeatureStoreException(
            f"feature group {group.name!r} version {group.version} has no commit"
            + ("" if up_to_ms is None else f" at or before {up_to_ms}")
            + ": insert data before computing statistics"
        )
    commit = commits[0]
    have = groups.catalog.commit_statistics(group.id, up_to_ms=commit.commit_id)
    current = have[1] if have is not None and have[0].commit_id == commit.commit_id else None
    if current is not None and not missing(options_of(group), current):
        return commit, current
    statistics = compute_for_version(groups, group, commit.table_version)
    assert statistics is not None  # the caller checked statistics are enabled
    groups.catalog.set_commit_statistics(group.id, commit.commit_id, statistics)
    return commit, statistics
