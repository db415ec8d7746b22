"""What an optimization changed, measured on this machine: file size, latency per row
(batch 1, the median of many calls, both models loaded as the model server loads them)
and a metric on the test rows; and the side-by-side table of the two models.

>>> scorer = Scorer.choose(None, y_test)            # accuracy for class labels, else mae
>>> scorer.name                                                          # doctest: +SKIP
'accuracy'
"""

from __future__ import annotations

import html
import statistics
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..deployments.loaders import ServedModel
from .errors import ModelExportError

METRICS = ("accuracy", "mae", "mse", "rmse")
MAX_CLASSES = 20  # whole-number labels with at most this many values are classes
WARMUP = 20


@dataclass(frozen=True)
class Scorer:
    """One metric over a model's outputs; for accuracy, how outputs become classes is
    decided once, from the original model's outputs, and used for both models."""

    name: str
    threshold: float | None = None  # one output column: class 1 above it

    @classmethod
    def choose(cls, metric: str | None, labels: np.ndarray) -> Scorer:
        if metric is not None and metric not in METRICS:
            raise ModelExportError(
                f"metric={metric!r}: use one of {', '.join(METRICS)} (or leave it out: "
                "accuracy for class labels, mae otherwise)"
            )
        if metric is None:
            whole = np.all(np.isfinite(labels)) and np.all(np.mod(labels, 1) == 0)
            classes = whole and len(np.unique(labels)) <= MAX_CLASSES
            metric = "accuracy" if classes else "mae"
        return cls(metric)

    def fitted(self, outputs: np.ndarray) -> Scorer:
        """For accuracy on one output column: probabilities (all in [0, 1]) split at 0.5,
        logits at 0."""
        if self.name != "accuracy" or _columns(outputs) > 1:
            return self
        inside = float(outputs.min()) >= 0.0 and float(outputs.max()) <= 1.0
        return Scorer(self.name, 0.5 if inside else 0.0)

    def score(self, outputs: np.ndarray, labels: np.ndarray) -> float:
        if self.name == "accuracy":
            if _columns(outputs) > 1:
                predicted = outputs.reshape(len(outputs), -1).argmax(axis=1)
            else:
                predicted = (outputs.reshape(-1) > (self.threshold or 0.0)).astype(int)
            return float(np.mean(predicted == labels.reshape(-1)))
        if _columns(outputs) != 1:
            raise ModelExportError(
                f"metric={self.name!r} compares one output with the label, but the model has "
                f"{_columns(outputs)} outputs per row: use metric='accuracy'"
            )
        error = outputs.reshape(-1).astype("float64") - labels.reshape(-1).astype("float64")
        if self.name == "mae":
            return float(np.mean(np.abs(error)))
        mse = float(np.mean(error**2))
        return mse if self.name == "mse" else float(np.sqrt(mse))

    @property
    def higher_is_better(self) -> bool:
        return self.name == "accuracy"


def outputs_of(model: ServedModel, rows: np.ndarray) -> np.ndarray:
    """The model's one output for ``rows`` (one batch)."""
    spec = model.inputs[0]  # type: ignore[index]
    result = model.run({spec.name: rows.astype(spec.dtype)})
    return np.asarray(next(iter(result.values())))


def latency_ms(model: ServedModel, rows: np.ndarray, runs: int) -> float:
    """Median milliseconds of one call with one row, over ``runs`` calls (after a
    warm-up), cycling through ``rows``."""
    spec = model.inputs[0]  # type: ignore[index]
    singles = [rows[i : i + 1].astype(spec.dtype) for i in range(min(len(rows), runs))]
    for n in range(WARMUP):
        model.run({spec.name: singles[n % len(singles)]})
    times = []
    for n in range(runs):
        row = singles[n % len(singles)]
        started = time.perf_counter()
        model.run({spec.name: row})
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _columns(outputs: np.ndarray) -> int:
    return int(np.prod(outputs.shape[1:])) if outputs.ndim > 1 else 1


@dataclass(frozen=True)
class Figures:
    """One model's figures."""

    size_bytes: int
    latency_ms: float
    metric: float


@dataclass(frozen=True)
class OptimizationResult:
    """An optimized model version and its figures against the original's, printed side
    by side (``print(result)``, or shown as a table in a notebook)."""

    name: str
    version: int  # the optimized version
    source_name: str
    source_version: int
    method: str
    metric: str
    test_rows: int
    test_source: str  # where the test rows came from
    calibration: str | None  # where int8's representative rows came from
    runs: int
    original: Figures
    optimized: Figures
    max_abs_difference: float  # largest change of any output on the test rows
    path: str

    def metrics(self) -> dict[str, float]:
        """The figures as the new version records them."""
        return {
            "size_bytes": self.optimized.size_bytes,
            "original_size_bytes": self.original.size_bytes,
            "latency_ms": self.optimized.latency_ms,
            "original_latency_ms": self.original.latency_ms,
            self.metric: self.optimized.metric,
            f"original_{self.metric}": self.original.metric,
            f"{self.metric}_change": self.optimized.metric - self.original.metric,
            "max_abs_difference": self.max_abs_difference,
        }

    def lineage(self) -> dict[str, Any]:
        """What the new version's ``optimization.json`` holds."""
        return {
            "source": {"name": self.source_name, "version": self.source_version},
            "method": self.method,
            "converter": "TensorFlow Lite",
            "metric": self.metric,
            "test_rows": self.test_rows,
            "test_data": self.test_source,
            "calibration": self.calibration,
            "latency_runs": self.runs,
            "metrics": self.metrics(),
        }

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(figure, original, optimized, change) as shown."""
        o, n = self.original, self.optimized
        return [
            (
                "size",
                _bytes(o.size_bytes),
                _bytes(n.size_bytes),
                _ratio(n.size_bytes, o.size_bytes),
            ),
            (
                f"latency per row (batch 1, median of {self.runs})",
                f"{o.latency_ms:.3f} ms",
                f"{n.latency_ms:.3f} ms",
                _ratio(n.latency_ms, o.latency_ms),
            ),
            (
                f"{self.metric} on {self.test_rows} test rows",
                f"{o.metric:.4f}",
                f"{n.metric:.4f}",
                f"{n.metric - o.metric:+.4f}",
            ),
            ("largest output change", "", f"{self.max_abs_difference:.3g}", ""),
        ]

    def title(self) -> str:
        target = (
            f"version {self.version}"
            if self.name == self.source_name
            else f"{self.name} version {self.version}"
        )
        calibrated = f", calibrated on {self.calibration}" if self.calibration else ""
        return (
            f"{self.source_name} version {self.source_version} -> {target} "
            f"({self.method} TensorFlow Lite{calibrated})"
        )

    def __str__(self) -> str:
        header = ("", "original", "optimized", "change")
        table = [header, *self.rows()]
        widths = [max(len(r[i]) for r in table) for i in range(4)]
        lines = [
            "  ".join([r[0].ljust(widths[0]), *(r[i].rjust(widths[i]) for i in (1, 2, 3))])
            for r in table
        ]
        note = f"test rows: {self.test_source}"
        return "\n".join([self.title(), *(line.rstrip() for line in lines), note])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        cells = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self.rows()
        )
        return (
            f"<p>{html.escape(self.title())}</p><table><thead><tr><th></th><th>original</th>"
            f"<th>optimized</th><th>change</th></tr></thead><tbody>{cells}</tbody></table>"
            f"<p>test rows: {html.escape(self.test_source)}</p>"
        )


def _bytes(size: float) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} MB"  # pragma: no cover


def _ratio(new: float, old: float) -> str:
    return f"{(new - old) / old:+.1%}" if old else ""
