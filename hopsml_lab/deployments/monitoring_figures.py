"""Plotly figures of a deployment's monitoring summary, as plain JSON dicts (``data`` +
``layout``) built only from the summary: the sidebar draws them with plotly.js as they
are, a notebook as ``plotly.graph_objects.Figure(named["latency"])``.

Figures, by name:

- ``requests``: requests and errors per timeline bucket;
- ``latency``: p50 and p99 latency per bucket (gaps where a bucket had no request);
- ``drift``: each scored input feature's drift score over its threshold (1 = at the
  threshold), drifted features in their own series.

>>> named = figures(summarize("churn"))                           # doctest: +SKIP
>>> named["latency"]["data"][0]["y"]                              # doctest: +SKIP
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..figure_text import plotly_text
from ..validation.figures import _layout
from .monitoring import MonitoringSummary


def _times(summary: MonitoringSummary) -> list[str]:
    return [
        datetime.fromtimestamp(b.t, tz=timezone.utc).isoformat(timespec="milliseconds")
        for b in summary.timeline
    ]


def requests_figure(summary: MonitoringSummary) -> dict[str, Any]:
    times = _times(summary)
    data = [
        {"type": "bar", "name": name, "x": times, "y": [getattr(b, name) for b in summary.timeline]}
        for name in ("requests", "errors")
    ]
    title = (
        f"{plotly_text(summary.deployment)}: {summary.request_rate:.3g} requests/s, "
        f"{summary.error_rate:.1%} errors"
    )
    layout = _layout(title, "time (UTC)", "requests", showlegend=True, barmode="overlay")
    return {"data": data, "layout": layout}


def latency_figure(summary: MonitoringSummary) -> dict[str, Any]:
    times = _times(summary)
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": label,
            "x": times,
            "y": [getattr(b, field) for b in summary.timeline],
            "connectgaps": False,
        }
        for label, field in (("p50", "p50_ms"), ("p99", "p99_ms"))
    ]
    p99 = summary.latency_ms.p99
    title = "latency" + ("" if p99 is None else f": p99 {p99:.3g} ms over the window")
    return {"data": data, "layout": _layout(title, "time (UTC)", "ms", showlegend=True)}


def drift_figure(summary: MonitoringSummary) -> dict[str, Any]:
    """Score / threshold per feature; the first series holds every feature (in the
    summary's order), the second repeats the drifted ones to colour them."""
    rows = summary.drift
    data = [
        {
            "type": "bar",
            "name": "score / threshold",
            "x": [plotly_text(d.feature) for d in rows],
            "y": [d.score / d.threshold for d in rows],
            "customdata": [[d.statistic, d.score, d.threshold, d.count] for d in rows],
            "hovertemplate": "%{x}: %{customdata[0]} %{customdata[1]:.3g} (threshold "
            "%{customdata[2]}, %{customdata[3]} values)<extra></extra>",
        },
        {
            "type": "bar",
            "name": "drifted",
            "x": [plotly_text(d.feature) for d in rows if d.drifted],
            "y": [d.score / d.threshold for d in rows if d.drifted],
            "hoverinfo": "skip",
        },
    ]
    drifted = sum(d.drifted for d in rows)
    title = (
        f"input drift: {drifted} of {len(rows)} features"
        if rows
        else plotly_text(f"input drift: {summary.drift_reason or 'none measured'}")
    )
    layout = _layout(title, "feature", "score / threshold", barmode="overlay", showlegend=True)
    layout["shapes"] = [
        {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 1, "y1": 1, "yref": "y"}
    ]
    return {"data": data, "layout": layout}


def figures(summary: MonitoringSummary) -> dict[str, dict[str, Any]]:
    """Every figure of ``summary``, by name, as plain figure JSON."""
    return {
        "requests": requests_figure(summary),
        "latency": latency_figure(summary),
        "drift": drift_figure(summary),
    }
