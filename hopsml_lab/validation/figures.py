"""Plotly figures of a validation report, as plain JSON dicts (``data`` + ``layout``),
built only from the report (its results and its overview), never from the data: a
stored report gives the same figures, the sidebar draws them with plotly.js as they are
(the theme adds colours), and a notebook draws the same dicts as
``plotly.graph_objects.Figure``.

Figures, by name:

- ``rules``: each rule's failing rows, passed and failed rules as two series;
- ``null_fractions``: the share of missing values per column;
- ``class_balance:<column>``: each class's share, for a ``balanced`` rule (from its
  observed shares, with its minimum share drawn) or a column named in ``labels``
  (from the overview's top values, or its one-bin-per-value histogram);
- ``drift:<column>``: the reference's and the current data's share per bin (numeric
  drift) or of the value that moved most (categorical drift);
- ``correlations``: the correlation heatmap of the numeric columns;
- ``histogram:<column>`` / ``top_values:<column>``: each column's distribution.

>>> named = figures(report)                                  # doctest: +SKIP
>>> named["null_fractions"]["data"][0]["y"]                  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from ..figure_text import plotly_text
from .report import Report, RuleResult

HEIGHT = 260
BAR_HEIGHT = 22  # px per bar of a horizontal bar chart
MARGIN = {"l": 56, "r": 16, "t": 40, "b": 44}
CELL_TEXT_UP_TO = 15  # correlation heatmaps print their values up to this many columns


def _layout(title: str, x_title: str, y_title: str, **more: Any) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "height": HEIGHT,
        "margin": dict(MARGIN),
        "bargap": 0.1,
        "showlegend": False,
        **more,
    }


def _tidy(value: float) -> float:
    """Without the binary noise of the arithmetic (12 significant digits)."""
    return float(f"{value:.12g}")


def as_report(report: Report | Mapping[str, Any]) -> Report:
    """``report`` as a ``Report`` (a stored one is its ``to_dict()``)."""
    return report if isinstance(report, Report) else Report.from_dict(report)


def figures(
    report: Report | Mapping[str, Any], *, labels: Iterable[str] = ()
) -> dict[str, dict[str, Any]]:
    """Every figure of ``report`` (a ``Report`` or its ``to_dict()``), by name, as
    plain figure JSON; ``labels``: columns to draw the class balance of from the
    overview even without a ``balanced`` rule."""
    report = as_report(report)
    out: dict[str, dict[str, Any]] = {}
    columns = (report.overview or {}).get("columns") or []
    by_name = {c["name"]: c for c in columns}
    if report.results:
        out["rules"] = rules_figure(report.results)
    nulls = null_fractions_figure(report)
    if nulls is not None:
        out["null_fractions"] = nulls
    for result in report.results:
        if result.rule.kind == "balanced" and isinstance(result.observed, Mapping):
            out[f"class_balance:{result.rule.column}"] = class_balance_figure(
                str(result.rule.column), dict(result.observed), result.rule.params["min_share"]
            )
    for label in labels:
        if f"class_balance:{label}" not in out and label in by_name:
            shares = overview_shares(by_name[label])
            if shares:
                out[f"class_balance:{label}"] = class_balance_figure(label, shares)
    for result in report.results:
        figure = drift_figure(result) if result.rule.kind == "drift" else None
        if figure is not None:
            name = f"drift:{result.rule.column}"
            out[name if name not in out else f"{name}:{result.details['method']}"] = figure
    matrix = (report.overview or {}).get("correlations")
    cells = enumerate(matrix["matrix"] if matrix else [])
    if any(r is not None for i, row in cells for j, r in enumerate(row) if i != j):
        out["correlations"] = correlation_figure(matrix)  # some pair has a correlation
    for column in columns:
        if column.get("histogram"):
            out[f"histogram:{column['name']}"] = histogram_figure(column)
        elif column.get("top_values"):
            out[f"top_values:{column['name']}"] = top_values_figure(column)
    return out


def rules_figure(results: list[RuleResult]) -> dict[str, Any]:
    """Failing rows per rule, passed and failed rules as two series (read top down)."""
    shown = list(reversed(results))  # horizontal bars draw the first at the bottom
    data = []
    for passed in (True, False):
        picked = [r for r in shown if r.success == passed]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": "passed" if passed else "failed",
                "x": [r.failing_count or 0 for r in picked],
                "y": [plotly_text(r.name) for r in picked],
                "customdata": [
                    [
                        "" if r.failing_percent is None else f" ({r.failing_percent:.3g}%)",
                        plotly_text(observed_text(r)),
                    ]
                    for r in picked
                ],
                "hovertemplate": "%{y}<br>%{x} failing%{customdata[0]}<br>"
                "%{customdata[1]}<extra>%{fullData.name}</extra>",
            }
        )
    passed_count = sum(r.success for r in results)
    layout = _layout(
        f"rules: {passed_count} of {len(results)} passed",
        "failing rows",
        "",
        height=max(HEIGHT, 80 + BAR_HEIGHT * len(results)),
        showlegend=True,
        barmode="stack",  # one bar per rule: it is in one series or the other
    )
    layout["margin"] = {**MARGIN, "l": 220}
    layout["yaxis"].update(
        type="category", categoryorder="array", categoryarray=[plotly_text(r.name) for r in shown]
    )
    return {"data": data, "layout": layout}


def observed_text(result: RuleResult) -> str:
    """What a rule observed, as a short text (its error, if it could not run)."""
    if result.error:
        return result.error
    if result.observed is None or isinstance(result.observed, list | dict):
        return ""
    value = result.observed
    return f"observed {value:.4g}" if isinstance(value, float) else f"observed {value}"


def null_fractions_figure(report: Report) -> dict[str, Any] | None:
    """The share of missing values per column: every column from the overview, else the
    columns the rules read (their statistics)."""
    columns = (report.overview or {}).get("columns")
    if columns:
        rows = [(c["name"], c.get("null_fraction"), c.get("num_null_values")) for c in columns]
    else:
        rows = [
            (
                name,
                s.get("num_null_values", 0) / s["count"] if s.get("count") else None,
                s.get("num_null_values"),
            )
            for name, s in report.statistics.items()
        ]
    rows = [r for r in rows if r[1] is not None]
    if not rows:
        return None
    layout = _layout("missing values per column", "", "share of rows")
    layout["xaxis"]["type"] = "category"
    layout["yaxis"].update(range=[0, 1], tickformat=".0%")
    return {
        "data": [
            {
                "type": "bar",
                "x": [plotly_text(name) for name, _, _ in rows],
                "y": [share for _, share, _ in rows],
                "customdata": [missing for _, _, missing in rows],
                "hovertemplate": "%{x}: %{y:.2%} missing (%{customdata} rows)<extra></extra>",
            }
        ],
        "layout": layout,
    }


def overview_shares(column: Mapping[str, Any]) -> dict[str, float]:
    """A label's class shares from its overview: top values (strings, booleans) or the
    one-bin-per-value histogram of a small integer range; empty when neither."""
    total = column.get("num_non_null_values") or 0
    if not total:
        return {}
    if column.get("top_values"):
        return {str(e["value"]): e["count"] / total for e in column["top_values"]}
    histogram = column.get("histogram") or {}
    edges = histogram.get("edges") or []
    integral = str(column.get("kind", "")).startswith(("int", "uint"))
    if integral and len(edges) > 1 and all(b - a == 1.0 for a, b in itertools.pairwise(edges)):
        return {
            f"{edge + 0.5:g}": count / total
            for edge, count in zip(edges, histogram["counts"], strict=False)
            if count
        }
    return {}


def class_balance_figure(
    column: str, shares: Mapping[str, float], min_share: float | None = None
) -> dict[str, Any]:
    """Each class's share of the label's values, the minimum share as a dashed line."""
    layout = _layout(f"{plotly_text(column)}: class balance", plotly_text(column), "share")
    layout["xaxis"]["type"] = "category"  # "0", "1": classes, never numbers
    layout["yaxis"].update(range=[0, 1], tickformat=".0%")
    if min_share is not None:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": min_share,
                "y1": min_share,
                "line": {"dash": "dash", "width": 1},
            }
        ]
        layout["title"]["text"] += f" (minimum {min_share:.0%})"
    return {
        "data": [
            {
                "type": "bar",
                "x": [plotly_text(k) for k in shares],
                "y": list(shares.values()),
                "hovertemplate": "%{x}: %{y:.2%}<extra></extra>",
            }
        ],
        "layout": layout,
    }


def _bin_labels(edges: list[float]) -> list[str]:
    if not edges:
        return ["all"]
    labels = [f"≤ {edges[0]:.4g}"]
    labels += [f"{a:.4g} to {b:.4g}" for a, b in itertools.pairwise(edges)]
    return [*labels, f"> {edges[-1]:.4g}"]


def drift_figure(result: RuleResult) -> dict[str, Any] | None:
    """Reference against current: the share per reference bin (numeric drift), per
    value (categorical drift with both sides' shares), or of the value whose share moved
    most (categorical drift as ``drift.distance`` reports it now: only that value)."""
    details = result.details or {}
    column = plotly_text(result.rule.column)
    reference, current = details.get("reference"), details.get("current")
    if isinstance(reference, Mapping) and isinstance(current, Mapping):
        values = sorted(set(reference) | set(current))
        x = [plotly_text(value) for value in values]
        reference = [reference.get(value, 0.0) for value in values]
        current = [current.get(value, 0.0) for value in values]
        x_title = column
    elif isinstance(reference, list) and isinstance(current, list):
        x = _bin_labels(list(details.get("edges") or []))
        x_title = f"{column} (reference quantile bins)"
    elif "largest_difference" in details:
        moved = details["largest_difference"]
        x = [plotly_text(moved["value"])]
        reference, current = [moved["reference"]], [moved["current"]]
        x_title = f"{column}: the value that moved most"
    else:
        return None
    verdict = "drifted" if not result.success else "no drift"
    observed = "" if result.observed is None else f" {float(result.observed):.3g}"
    title = (
        f"{column}: {verdict} ({details.get('method')}{observed}, "
        f"threshold {details.get('threshold')})"
    )
    layout = _layout(title, x_title, "share", barmode="group", showlegend=True)
    layout["xaxis"]["type"] = "category"
    layout["yaxis"]["tickformat"] = ".0%"
    return {
        "data": [
            {
                "type": "bar",
                "name": name,
                "x": x,
                "y": list(values),
                "hovertemplate": "%{x}: %{y:.2%}<extra>%{fullData.name}</extra>",
            }
            for name, values in (("reference", reference), ("current", current))
        ],
        "layout": layout,
    }


def correlation_figure(correlations: Mapping[str, Any]) -> dict[str, Any]:
    """The Pearson correlations of the numeric columns, -1 to 1 (the theme's diverging
    colour scale: ``autocolorscale`` picks it for values of both signs)."""
    names = [plotly_text(c) for c in correlations["columns"]]
    trace: dict[str, Any] = {
        "type": "heatmap",
        "x": names,
        "y": names,
        "z": correlations["matrix"],
        "zmin": -1,
        "zmax": 1,
        "autocolorscale": True,
        "hovertemplate": "%{y} ~ %{x}: %{z:.3f}<extra></extra>",
    }
    if len(names) <= CELL_TEXT_UP_TO:
        trace["texttemplate"] = "%{z:.2f}"
    side = max(HEIGHT, 120 + 28 * len(names))
    title = "correlations" + (" (first numeric columns)" if correlations.get("truncated") else "")
    layout = _layout(title, "", "", height=side)
    layout["margin"] = {**MARGIN, "l": 120, "b": 100}
    layout["xaxis"]["type"] = layout["yaxis"]["type"] = "category"
    layout["yaxis"]["autorange"] = "reversed"  # the first column at the top, as a matrix
    return {"data": [trace], "layout": layout}


def histogram_figure(column: Mapping[str, Any]) -> dict[str, Any]:
    """A numeric column's histogram from its overview (equal-width bins)."""
    name = plotly_text(column["name"])
    edges, counts = column["histogram"]["edges"], column["histogram"]["counts"]
    lows, highs = edges[:-1], edges[1:]
    return {
        "data": [
            {
                "type": "bar",
                "x": [_tidy((a + b) / 2) for a, b in zip(lows, highs, strict=True)],
                "y": counts,
                "width": [_tidy(b - a) for a, b in zip(lows, highs, strict=True)],
                "customdata": [[a, b] for a, b in zip(lows, highs, strict=True)],
                "hovertemplate": "%{customdata[0]:.4g} to %{customdata[1]:.4g}<br>"
                "%{y} rows<extra></extra>",
            }
        ],
        "layout": _layout(f"{name}: histogram", name, "rows", bargap=0.02),
    }


def top_values_figure(column: Mapping[str, Any]) -> dict[str, Any]:
    """A string or boolean column's most frequent values, as horizontal bars."""
    name = plotly_text(column["name"])
    shown = list(reversed(column["top_values"]))  # the most frequent at the top
    layout = _layout(f"{name}: top values", "rows", "", bargap=0.25)
    layout["height"] = max(HEIGHT, 80 + BAR_HEIGHT * len(shown))
    layout["margin"] = {**MARGIN, "l": 120}
    layout["yaxis"]["type"] = "category"
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [e["count"] for e in shown],
                "y": [plotly_text(e["value"]) for e in shown],
                "hovertemplate": "%{y}: %{x} rows<extra></extra>",
            }
        ],
        "layout": layout,
    }
