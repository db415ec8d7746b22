"""User text in Plotly figures: at the bottom of the layers, so every stage's figures
(experiments' progress, feature statistics, validation reports) escape it the same way."""

from __future__ import annotations


def plotly_text(text: object) -> str:
    """``text`` as Plotly draws it, not as markup: Plotly (in Python and JavaScript
    alike) draws ``<b>``, ``<a href>``, ``<br>``... in titles, axis titles, legend
    names, category ticks, hover labels and parallel-coordinates labels. Escaped with
    the entities Plotly decodes (numeric ones for quotes: it leaves ``&quot;`` as is)."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )
