"""The live view of a running experiment in its cell: counts and the best metric
(ipywidgets), metric curves per trial (Plotly), and at the end a parallel-coordinates
figure of hyperparameters against the metric.

Names (experiment, metric, trial keys, parameters) are the user's text and shown as
text: escaped for the HTML summary, and escaped with :func:`plotly_text` where Plotly
would draw markup."""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go
from IPython.display import display

from ..engine.trial import TrialSpec
from ..experiments.results import ExperimentResult, TrialResult
from ..figure_text import plotly_text

_CURVE_POINTS = 500  # the most recent points drawn per trial
_REDRAW_S = 1.0


class NotebookProgress:
    def __init__(
        self,
        name: str,
        metric: str,
        direction: str = "MAX",
        show: Callable[..., Any] = display,
    ) -> None:
        self.name, self.metric, self.maximise = name, metric, direction.upper() == "MAX"
        self._show = show
        self.total = 0
        self.counts = {"finished": 0, "failed": 0, "stopped": 0}
        self.best: float | None = None
        self._curves: dict[str, tuple[list[int], list[float]]] = {}
        self._lock = threading.Lock()
        self._dirty = False
        self._drawn_at = 0.0
        self.bar = widgets.IntProgress(
            value=0, min=0, max=1, description=name[:20], description_allow_html=False
        )
        self.summary = widgets.HTML()
        self._show(widgets.VBox([self.bar, self.summary]))
        self._curve_handle: Any = None

    # -- Progress --------------------------------------------------------------------

    def trials_added(self, specs: Sequence[TrialSpec]) -> None:
        self.total += len(specs)
        self._update_summary()

    def trial_finished(self, result: TrialResult) -> None:
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        if result.metric is not None and result.status == "finished":
            better = self.best is None or (
                result.metric > self.best if self.maximise else result.metric < self.best
            )
            self.best = result.metric if better else self.best
        self._update_summary()

    def metrics(self, key: str, points: list[tuple[str, int, float, float]]) -> None:
        with self._lock:
            for name, step, value, _t in points:
                if name != self.metric:
                    continue
                steps, values = self._curves.setdefault(key, ([], []))
                steps.append(step)
                values.append(value)
                del steps[:-_CURVE_POINTS], values[:-_CURVE_POINTS]
                self._dirty = True

    def tick(self) -> None:
        now = time.monotonic()
        if not self._dirty or now - self._drawn_at < _REDRAW_S:
            return
        self._drawn_at = now
        with self._lock:
            self._dirty = False
            curves = {k: (list(s), list(v)) for k, (s, v) in self._curves.items()}
        bundle = mime_bundle(curve_figure(curves, self.metric))
        if self._curve_handle is None:
            self._curve_handle = self._show(bundle, raw=True, display_id=True)
        else:
            self._curve_handle.update(bundle, raw=True)

    def finished(self, result: ExperimentResult) -> None:
        self._update_summary(final=result.status)
        self.tick_final()
        figure = parallel_coordinates(result.trials, self.metric)
        if figure is not None:
            self._show(mime_bundle(figure), raw=True)

    def tick_final(self) -> None:
        self._drawn_at = 0.0
        self.tick()

    # -- drawing -----------------------------------------------------------------------

    def _update_summary(self, final: str | None = None) -> None:
        done = sum(self.counts.values())
        running = max(0, self.total - done) if final is None else 0
        self.bar.max = max(1, self.total)
        self.bar.value = done
        metric = html.escape(self.metric)
        best = "" if self.best is None else f" · best {metric} {self.best:.4g}"
        state = f"<b>{html.escape(final)}</b> · " if final else ""
        self.summary.value = (
            f"{state}{done}/{self.total} done · {running} running · "
            f"{self.counts.get('failed', 0)} failed · "
            f"{self.counts.get('stopped', 0)} stopped early{best}"
        )


def mime_bundle(figure: go.Figure) -> dict[str, Any]:
    """Plotly's own MIME type, whatever plotly's default renderer is set to here."""
    title = html.unescape(figure.layout.title.text or "figure")  # plain text: as written
    return {
        "application/vnd.plotly.v1+json": json.loads(figure.to_json()),
        "text/plain": f"<{title}>",
    }


def curve_figure(curves: dict[str, tuple[list[int], list[float]]], metric: str) -> go.Figure:
    figure = go.Figure()
    for key, (steps, values) in curves.items():
        figure.add_trace(go.Scatter(x=steps, y=values, mode="lines", name=plotly_text(key)))
    figure.update_layout(
        title=f"{plotly_text(metric)} per trial",
        xaxis_title="step",
        yaxis_title=plotly_text(metric),
        height=320,
        margin={"l": 40, "r": 10, "t": 40, "b": 40},
    )
    return figure


def parallel_coordinates(trials: Sequence[TrialResult], metric: str) -> go.Figure | None:
    """Hyperparameters against the metric, one line per trial that has one. Tick
    labels stay as they are: Plotly draws parallel coordinates' ticks as plain text."""
    scored = [t for t in trials if t.metric is not None]
    names = sorted({name for t in scored for name in t.params})
    if not scored or not names:
        return None
    dimensions = []
    for name in names:
        values = [t.params.get(name) for t in scored]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        if numeric:
            dimensions.append({"label": plotly_text(name), "values": values})
        else:
            labels = sorted({str(v) for v in values})
            index = {label: i for i, label in enumerate(labels)}
            dimensions.append(
                {
                    "label": plotly_text(name),
                    "values": [index[str(v)] for v in values],
                    "tickvals": list(range(len(labels))),
                    "ticktext": labels,
                }
            )
    metrics = [t.metric for t in scored]
    dimensions.append({"label": plotly_text(metric), "values": metrics})
    figure = go.Figure(
        go.Parcoords(
            line={"color": metrics, "colorscale": "Viridis", "showscale": True},
            dimensions=dimensions,
        )
    )
    figure.update_layout(title=f"hyperparameters against {plotly_text(metric)}", height=360)
    return figure
