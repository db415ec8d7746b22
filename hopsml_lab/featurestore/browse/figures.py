"""Plotly figures of a commit's descriptive statistics, as plain JSON dicts: one per
feature that has a distribution to draw. The REST answer carries them and the sidebar
draws them as they are (only the theme's colours added), and a notebook draws the same
dicts, so both show the same thing.

- numeric features with equal-width bins (``histograms`` on): a histogram of the bins;
- numeric features without bins: a histogram estimated from the 100 approximate
  percentiles (each percentile interval holds 1% of the non-null values), titled as an
  estimate;
- strings and booleans: their most frequent values, as horizontal bars.

>>> figure = feature_figure({"feature_name": "plan", "feature_type": "String", "count": 3,
...     "extended_statistics": {"histogram": [{"value": "pro", "count": 2, "ratio": 0.66}]}})
>>> figure["kind"], figure["figure"]["data"][0]["type"]
('top_values', 'bar')
"""

from __future__ import annotations

import math
from typing import Any

from ...figure_text import plotly_text

APPROXIMATE_BINS = 20
HEIGHT = 260
_MARGIN = {"l": 56, "r": 16, "t": 40, "b": 44}
NUMERIC = ("Integral", "Fractional")


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _tidy(value: float) -> float:
    """``value`` without the binary noise of the arithmetic (12 significant digits)."""
    return float(f"{value:.12g}")


def _bin_edges(label: str) -> tuple[float, float] | None:
    """``(lo, hi)`` of a Deequ bin label ``"lo to hi"``."""
    low, sep, high = str(label).partition(" to ")
    try:
        edges = float(low), float(high)
    except ValueError:
        return None
    return edges if sep and all(math.isfinite(e) for e in edges) else None


def _layout(title: str, x_title: str, y_title: str) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "height": HEIGHT,
        "margin": _MARGIN,
        "bargap": 0.02,
        "showlegend": False,
    }


def _histogram(name: str, bins: list[dict[str, Any]]) -> dict[str, Any] | None:
    edges = [_bin_edges(b.get("value", "")) for b in bins]
    if not bins or any(e is None for e in edges):
        return None
    lows = [e[0] for e in edges if e is not None]
    highs = [e[1] for e in edges if e is not None]
    widths = [max(h - lo, 0.0) for lo, h in zip(lows, highs, strict=True)]
    # A constant feature has one bin of width 0: draw it as a bar of width 1.
    widths = [w if w > 0 else 1.0 for w in widths]
    return {
        "data": [
            {
                "type": "bar",
                "x": [_tidy(lo + w / 2) for lo, w in zip(lows, widths, strict=True)],
                "y": [int(b.get("count") or 0) for b in bins],
                "width": [_tidy(w) for w in widths],
                "customdata": [[lo, h] for lo, h in zip(lows, highs, strict=True)],
                "hovertemplate": "%{customdata[0]:.4g} to %{customdata[1]:.4g}<br>"
                "%{y} rows<extra></extra>",
            }
        ],
        "layout": _layout(f"{plotly_text(name)}: histogram", plotly_text(name), "rows"),
    }


def approximate_bins(
    low: float, high: float, percentiles: list[float], non_null: int, bins: int
) -> tuple[list[float], list[float]]:
    """Equal-width bins over ``[low, high]`` (their left edges) and the rows estimated
    in each: percentile interval ``[p(k-1), p(k)]`` holds 1/len(percentiles) of the
    ``non_null`` values, spread evenly over the interval (all in one bin if it is a
    point).

    >>> approximate_bins(0.0, 4.0, [1.0, 2.0, 3.0, 4.0], 8, 2)
    ([0.0, 2.0], [4.0, 4.0])
    """
    width = (high - low) / bins
    counts = [0.0] * bins
    share = non_null / len(percentiles)
    previous = low
    for upper in percentiles:
        start, end = sorted((previous, upper))
        if end <= start:
            at = min(int((start - low) / width), bins - 1)
            counts[at] += share
        else:
            first = min(int((start - low) / width), bins - 1)
            last = min(int((end - low) / width), bins - 1)
            for k in range(first, last + 1):
                left, right = low + k * width, low + (k + 1) * width
                overlap = min(end, right) - max(start, left)
                counts[k] += share * max(overlap, 0.0) / (end - start)
        previous = upper
    return [low + k * width for k in range(bins)], [round(c, 6) for c in counts]


def _from_percentiles(name: str, stats: dict[str, Any]) -> dict[str, Any] | None:
    low, high = _finite(stats.get("min")), _finite(stats.get("max"))
    values = [_finite(p) for p in stats.get("percentiles") or []]
    non_null = int(stats.get("num_non_null_values") or 0)
    if low is None or high is None or not values or None in values or non_null == 0:
        return None
    points = [v for v in values if v is not None]
    if high <= low:
        lefts, counts, width = [low - 0.5], [float(non_null)], 1.0
    else:
        lefts, counts = approximate_bins(low, high, points, non_null, APPROXIMATE_BINS)
        width = (high - low) / APPROXIMATE_BINS
    return {
        "data": [
            {
                "type": "bar",
                "x": [_tidy(left + width / 2) for left in lefts],
                "y": counts,
                "width": [_tidy(width)] * len(lefts),
                "hovertemplate": "%{x:.4g}<br>about %{y:.0f} rows<extra></extra>",
            }
        ],
        "layout": _layout(
            f"{plotly_text(name)}: histogram estimated from percentiles",
            plotly_text(name),
            "rows (estimated)",
        ),
    }


def _top_values(name: str, entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not entries:
        return None
    shown = list(reversed(entries))  # horizontal bars draw the first at the bottom
    layout = _layout(f"{plotly_text(name)}: top values", "rows", "")
    layout["height"] = max(HEIGHT, 40 + 22 * len(entries))
    layout["margin"] = {**_MARGIN, "l": 120}
    layout["yaxis"]["type"] = "category"  # "1", "true": labels, never numbers
    layout["bargap"] = 0.25
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [int(e.get("count") or 0) for e in shown],
                "y": [plotly_text(e.get("value", "")) for e in shown],
                "hovertemplate": "%{y}: %{x} rows<extra></extra>",
            }
        ],
        "layout": layout,
    }


def feature_figure(stats: dict[str, Any]) -> dict[str, Any] | None:
    """``{"feature", "kind", "figure"}`` for one feature's statistics (as stored), or
    ``None`` when there is nothing to draw (no rows, only nulls, a timestamp)."""
    name = str(stats.get("feature_name", ""))
    extended = stats.get("extended_statistics") or {}
    histogram = extended.get("histogram") if isinstance(extended, dict) else None
    numeric = stats.get("feature_type") in NUMERIC
    figure, kind = None, ""
    if numeric and histogram:
        figure, kind = _histogram(name, histogram), "histogram"
    if numeric and figure is None:
        figure, kind = _from_percentiles(name, stats), "estimated_histogram"
    if not numeric and histogram:
        figure, kind = _top_values(name, histogram), "top_values"
    return None if figure is None else {"feature": name, "kind": kind, "figure": figure}


def statistics_figures(statistics: dict[str, Any]) -> list[dict[str, Any]]:
    """One ``feature_figure`` per feature of ``statistics`` (the stored JSON) that has
    something to draw, in the features' order."""
    found = (feature_figure(f) for f in statistics.get("feature_descriptive_statistics") or [])
    return [f for f in found if f is not None]


def as_stored(statistics: Any) -> dict[str, Any]:
    """The stored JSON of ``statistics``: a dict as it is, or hsfs' ``Statistics``."""
    if isinstance(statistics, dict):
        return statistics
    keys = ("feature_name", "feature_type", "count", "num_non_null_values", "min", "max")
    return {
        "feature_descriptive_statistics": [
            {
                **{key: getattr(f, key, None) for key in keys},
                "percentiles": getattr(f, "percentiles", None),
                "extended_statistics": getattr(f, "extended_statistics", None),
            }
            for f in statistics.feature_descriptive_statistics or []
        ]
    }


def show_statistics(statistics: Any) -> None:
    """Draw the figures in a notebook: ``show_statistics(fg.statistics)`` (hsfs'
    ``Statistics``) or the stored dict; the sidebar draws the same figures."""
    from IPython.display import display

    for found in statistics_figures(as_stored(statistics)):
        title = found["figure"]["layout"]["title"]["text"]
        display({"application/vnd.plotly.v1+json": found["figure"], "text/plain": title}, raw=True)
