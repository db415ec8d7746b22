"""The notebook's live view of an experiment shows names as text: the HTML summary
escapes them, and its Plotly figures escape the markup Plotly would draw."""

from __future__ import annotations

from typing import Any

from hopsml_lab.engine.trial import TrialSpec
from hopsml_lab.experiments.results import ExperimentResult, TrialResult
from hopsml_lab.magics.progress import NotebookProgress

NAME = '<b>x</b><a href="javascript:alert(1)">y</a>'
METRIC = "<img src=x onerror=alert(1)>"
KEY = "<i>trial</i> & 'more'"
PARAM = "<sup>lr</sup>"


def _drive() -> tuple[NotebookProgress, list[dict[str, Any]]]:
    """A whole experiment told to the view, as the engine tells it: the real results."""
    bundles: list[dict[str, Any]] = []

    def show(obj: Any, raw: bool = False, **_: Any) -> None:
        if raw:
            bundles.append(obj)

    progress = NotebookProgress(NAME, METRIC, "MAX", show=show)
    specs = [TrialSpec(KEY, {PARAM: "<b>big</b>"}, "t0"), TrialSpec("t1", {PARAM: "s"}, "t1")]
    progress.trials_added(specs)
    progress.metrics(KEY, [(METRIC, step, step / 10, 0.0) for step in range(3)])
    progress.metrics("t1", [(METRIC, step, step / 20, 0.0) for step in range(3)])
    trials = [
        TrialResult(KEY, {PARAM: "<b>big</b>"}, "finished", {METRIC: 0.2}, 0.2, 1.0, None, "a"),
        TrialResult("t1", {PARAM: "s"}, "finished", {METRIC: 0.1}, 0.1, 1.0, None, "b"),
    ]
    for trial in trials:
        progress.trial_finished(trial)
    progress.finished(
        ExperimentResult("e1", NAME, "<u>finished</u>", "x", METRIC, 2.0, trials, trials[0])
    )
    return progress, bundles


def test_the_summary_widget_shows_names_as_text() -> None:
    progress, _ = _drive()
    html = progress.summary.value
    assert "best &lt;img src=x onerror=alert(1)&gt; 0.2" in html
    assert "&lt;u&gt;finished&lt;/u&gt;" in html
    assert "<img" not in html and "<u>" not in html
    # The bar's description is drawn as text (ipywidgets 8 unless told otherwise).
    assert progress.bar.description == NAME[:20]
    assert progress.bar.description_allow_html is False


def test_the_figures_escape_what_plotly_would_draw_as_markup() -> None:
    _, bundles = _drive()
    figures = [b["application/vnd.plotly.v1+json"] for b in bundles]
    curves = next(f for f in figures if f["data"][0]["type"] == "scatter")
    parcoords = next(f for f in figures if f["data"][0]["type"] == "parcoords")

    escaped_metric = "&lt;img src=x onerror=alert(1)&gt;"
    assert [t["name"] for t in curves["data"]] == [
        "&lt;i&gt;trial&lt;/i&gt; &amp; &#39;more&#39;",
        "t1",
    ]
    assert curves["layout"]["title"]["text"] == f"{escaped_metric} per trial"
    assert curves["layout"]["yaxis"]["title"]["text"] == escaped_metric

    dimensions = parcoords["data"][0]["dimensions"]
    assert [d["label"] for d in dimensions] == ["&lt;sup&gt;lr&lt;/sup&gt;", escaped_metric]
    # Plotly draws parallel-coordinates tick labels as plain text: they stay as they are.
    assert dimensions[0]["ticktext"] == ["<b>big</b>", "s"]
    assert parcoords["layout"]["title"]["text"] == f"hyperparameters against {escaped_metric}"

    for bundle in bundles:  # the plain-text stand-in reads as the name itself
        assert METRIC in bundle["text/plain"] and "&lt;" not in bundle["text/plain"]


def test_plotly_text_escapes_with_entities_plotly_decodes() -> None:
    from hopsml_lab.figure_text import plotly_text

    # Plotly decodes &amp; &lt; &gt; and numeric entities, not &quot; or &#x27;.
    assert plotly_text("""<a href="j">&'</a>""") == "&lt;a href=&#34;j&#34;&gt;&amp;&#39;&lt;/a&gt;"
    assert plotly_text("lr=0.1 · é") == "lr=0.1 · é"
