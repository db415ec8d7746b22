"""A report in a notebook: its figures as ``plotly.graph_objects.Figure`` and
``show()``, the rules as a table then every figure, drawn as Plotly's MIME type (what
JupyterLab's plotly extension renders, and the same JSON the sidebar draws; no
plotly.js is copied into the notebook)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from .figures import as_report, figures, observed_text
from .report import Report


def plotly_figures(
    report: Report | Mapping[str, Any], *, labels: Iterable[str] = ()
) -> dict[str, Any]:
    """The same figures as ``plotly.graph_objects.Figure`` (for a notebook: ``.show()``,
    ``.update_layout(...)``, ``.write_html(...)``)."""
    import plotly.graph_objects as go

    return {name: go.Figure(figure) for name, figure in figures(report, labels=labels).items()}


def rules_table(report: Report) -> str:
    """The rules as an HTML table: verdict, rule, failing rows, observed."""
    rows = []
    for r in report.results:
        failing = "" if r.failing_count is None else f"{r.failing_count:,}"
        if r.failing_percent is not None and r.failing_count:
            failing += f" ({r.failing_percent:.3g}%)"
        cells = ["✅" if r.success else "❌", r.name, failing, observed_text(r)]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("", "rule", "failing", "observed"))
    title = html.escape(str(report).splitlines()[0])
    return f"<p><b>{title}</b></p><table><tr>{head}</tr>{''.join(rows)}</table>"


def show(report: Report | Mapping[str, Any], *, labels: Iterable[str] = ()) -> None:
    """Draw ``report`` in a notebook: the rules table, then every figure (as the
    sidebar draws them: Plotly's own MIME type, no plotly.js copied into the page)."""
    from IPython.display import display

    report = as_report(report)
    display({"text/html": rules_table(report), "text/plain": str(report)}, raw=True)
    for name, figure in figures(report, labels=labels).items():
        display({"application/vnd.plotly.v1+json": figure, "text/plain": name}, raw=True)
