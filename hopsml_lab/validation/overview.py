"""A facets-style overview of every column of a dataset, computed where the data is
(Spark, or DuckDB in process for pandas, Arrow and DuckDB relations): no row reaches
the driver, only numbers.

Per column: rows, missing values (count and share of rows), zeros (count and share of
rows), min / max / mean / sample standard deviation, quantiles, an approximate distinct
count, the most frequent values with their counts (strings and booleans), and an
equal-width histogram (numbers). Across columns: the Pearson correlation of every pair
of numeric columns (pairwise complete rows, as pandas' ``DataFrame.corr``).

Two passes, each over every column at once: the first computes the per-column
aggregates, the second counts the rows in each histogram bin (whose edges come from the
first pass's min and max) and the sums the correlations come from (values centred on the
first pass's means: ``correlation.py``). DuckDB runs one ``SELECT`` per pass; Spark one
``DataFrame.agg`` for the first and, for the second, one group-by job (bins and top
values) and one ``agg`` (the sums) submitted together (``overview_spark.py`` says why).
An integer column spanning at most ``bins`` values gets one bin per value, so a 0/1
label's histogram is its class counts. NaN counts as missing on every engine (so
pandas, Arrow and Spark give the same overview), and a column with an infinite value
has no histogram.

The result is plain JSON-able data; ``validate(..., overview=True)`` keeps it on the
report, and ``validation.figures`` draws it.

>>> from hopsml_lab import validation
>>> summary = validation.overview(df)                             # doctest: +SKIP
>>> summary["columns"][0]["null_fraction"], summary["correlations"]["matrix"]  # doctest: +SKIP
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from .correlation import correlations, matrix, moments
from .errors import BadRule
from .overview_specs import (
    DEFAULT_BINS,
    MAX_CORRELATED,
    QUANTILES,
    TOP_VALUES,
    Bins,
    ColumnSpec,
    FirstPass,
    OverviewEngine,
    SecondPass,
    bins_for,
)
from .report import jsonable
from .sources import source


def overview(
    data: Any,
    *,
    bins: int = DEFAULT_BINS,
    top: int = TOP_VALUES,
    quantiles: Sequence[float] = QUANTILES,
    correlations: bool = True,
) -> dict[str, Any]:
    """The overview of ``data`` (a Spark or pandas DataFrame, an Arrow table or
    dataset, a DuckDB relation): per column counts, missing values, zeros, statistics,
    quantiles, distinct values, top values and a histogram of ``bins`` bins, and the
    correlations of the numeric columns; plain JSON-able data.

    >>> overview(pd.DataFrame({"x": [1.0, None, 0.0]}))["columns"][0]["num_zeros"]  # doctest: +SKIP
    1
    """
    return overview_of(
        source(data), bins=bins, top=top, quantiles=quantiles, correlations=correlations
    )


def overview_of(
    evaluator: Any,
    *,
    bins: int = DEFAULT_BINS,
    top: int = TOP_VALUES,
    quantiles: Sequence[float] = QUANTILES,
    correlations: bool = True,
) -> dict[str, Any]:
    """The overview of a source ``validate`` already opened (``SparkSource`` or
    ``DuckSource``), so validating with ``overview=True`` reads the data as it is."""
    probs = _checked(bins, top, quantiles)
    started = time.perf_counter()
    engine = _engine(evaluator)
    specs = [ColumnSpec(c, evaluator.columns[c], str(evaluator.native[c])) for c in evaluator.order]
    numeric = [s.name for s in specs if s.numeric]
    correlated = numeric[:MAX_CORRELATED] if correlations else []
    pairs = [(a, b) for i, a in enumerate(correlated) for b in correlated[i + 1 :]]
    first = engine.first_pass(specs, probs, top)
    wanted: dict[str, tuple[ColumnSpec, Bins]] = {}
    for spec in specs:
        got = first.columns[spec.name]
        if spec.numeric and got.get("nonnull"):
            found = bins_for(spec, got.get("min"), got.get("max"), bins)
            if found is not None:
                wanted[spec.name] = (spec, found)
    sums = moments(pairs, first.columns, first.rows)
    second = engine.second_pass(specs, first, wanted, sums, top)
    for name, values in second.top.items():
        first.columns[name]["top"] = values
    columns = [
        _column(spec, first, wanted.get(spec.name), second.counts.get(spec.name)) for spec in specs
    ]
    return jsonable(
        {
            "engine": engine.engine,
            "row_count": first.rows,
            "bins": bins,
            "top": top,
            "quantiles": probs,
            "columns": columns,
            "correlations": _correlations(correlated, pairs, first, second, len(numeric))
            if correlations
            else None,
            "timings_ms": {"overview": round((time.perf_counter() - started) * 1000, 1)},
        }
    )


def _checked(bins: Any, top: Any, quantiles: Any) -> list[float]:
    for name, value in (("bins", bins), ("top", top)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise BadRule(f"{name}={value!r}: give a positive whole number")
    try:
        probs = [float(q) for q in quantiles]
    except (TypeError, ValueError):
        raise BadRule(f"quantiles={quantiles!r}: give numbers between 0 and 1") from None
    if not probs or any(not 0.0 <= p <= 1.0 for p in probs):
        raise BadRule(f"quantiles={quantiles!r}: give numbers between 0 and 1")
    return probs


def _engine(evaluator: Any) -> OverviewEngine:
    if evaluator.engine == "spark":
        from .overview_spark import SparkOverview

        return SparkOverview(evaluator)
    from .overview_duck import DuckOverview

    return DuckOverview(evaluator)


def _share(part: Any, whole: int) -> float | None:
    return None if part is None or not whole else int(part) / whole


def _column(
    spec: ColumnSpec, first: FirstPass, binned: tuple[ColumnSpec, Bins] | None, counts: Any
) -> dict[str, Any]:
    got = first.columns[spec.name]
    rows = first.rows
    nonnull = int(got.get("nonnull") or 0)
    has = bool(nonnull)
    zeros = got.get("zeros") if spec.numeric else None
    out: dict[str, Any] = {
        "name": spec.name,
        "type": spec.type,
        "kind": spec.kind,
        "count": rows,
        "num_non_null_values": nonnull,
        "num_null_values": rows - nonnull,
        "null_fraction": _share(rows - nonnull, rows),
        "num_zeros": int(zeros) if zeros is not None else None,
        "zero_fraction": _share(zeros, rows),
        "min": got.get("min") if spec.ordered and has else None,
        "max": got.get("max") if spec.ordered and has else None,
        "mean": _number(got.get("mean")) if spec.numeric and has else None,
        "stddev": _number(got.get("stddev")) if spec.numeric and has else None,
        "quantiles": [_number(q) for q in got.get("quantiles") or []] or None
        if spec.numeric and has
        else None,
        "approx_num_distinct_values": int(got["distinct"])
        if got.get("distinct") is not None
        else None,
        "top_values": [{"value": v, "count": int(c)} for v, c in got.get("top") or []]
        if spec.categorical
        else None,
        "histogram": None,
    }
    if binned is not None and counts is not None:
        out["histogram"] = {
            "edges": list(binned[1].edges),
            "counts": [int(c) for c in counts],
        }
    return out


def _number(value: Any) -> Any:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _correlations(
    columns: list[str],
    pairs: list[tuple[str, str]],
    first: FirstPass,
    second: SecondPass,
    numeric: int,
) -> dict[str, Any]:
    found = correlations(pairs, first.columns, first.rows, second.sums)
    return matrix(columns, first.columns, {k: _number(v) for k, v in found.items()}, numeric)
