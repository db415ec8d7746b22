"""The report of one validation: each rule's verdict, failing count, a sample of failing
rows and what it observed, with the columns' statistics; plain data, JSON-able
(``to_dict``/``to_json``, ``from_dict``), so it can be stored, sent or compared."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .rule import Rule


def jsonable(value: Any) -> Any:
    """``value`` with what JSON cannot hold made plain: NaN/inf as None, dates as ISO
    text, decimals and numpy scalars as numbers, bytes as base64, keys as text."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return jsonable(float(value))
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return jsonable(value.item())
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    return str(value)


@dataclass
class RuleResult:
    """One rule's verdict. ``failing_count``: rows that fail it (row rules), missing
    values (completeness), classes under the share (balanced); ``considered_count``:
    the rows it judged (non-missing ones for most row rules); ``observed``: the value
    it bounded (the mean, the row count, the drift distance...)."""

    rule: Rule
    success: bool
    element_count: int = 0
    failing_count: int | None = None
    considered_count: int | None = None
    failing_percent: float | None = None
    observed: Any = None
    sample: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] | None = None
    error: str | None = None

    @property
    def name(self) -> str:
        return self.rule.describe()

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "rule": self.rule.to_dict(),
                "name": self.name,
                "success": self.success,
                "element_count": self.element_count,
                "failing_count": self.failing_count,
                "considered_count": self.considered_count,
                "failing_percent": self.failing_percent,
                "observed": self.observed,
                "sample": self.sample,
                "details": self.details,
                "error": self.error,
            }
        )

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> RuleResult:
        return cls(
            rule=Rule.from_dict(value["rule"]),
            **{k: value.get(k) for k in _RESULT_FIELDS},
            sample=list(value.get("sample") or []),
        )

    def line(self) -> str:
        verdict = "ok  " if self.success else "FAIL"
        text = f"{verdict} {self.name}"
        if self.failing_count:
            text += f": {self.failing_count:,} failing"
            if self.failing_percent is not None:
                text += f" ({self.failing_percent:.3g}%)"
        if self.observed is not None and not isinstance(self.observed, list | dict):
            text += f"; observed {self.observed!r:.60}"
        if self.error:
            text += f"; {self.error}"
        return text


_RESULT_FIELDS = (
    "success",
    "element_count",
    "failing_count",
    "considered_count",
    "failing_percent",
    "observed",
    "details",
    "error",
)


@dataclass
class Report:
    """A validation's outcome: ``success`` when every rule passed."""

    success: bool
    engine: str
    row_count: int
    columns: list[str]
    results: list[RuleResult]
    statistics: dict[str, dict[str, Any]] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    validated_at: str = field(
        default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    )
    overview: dict[str, Any] | None = None
    """Every column's overview (``validation.overview``), when validated with
    ``overview=True``."""

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.results if not r.success]

    def to_dict(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "engine": self.engine,
            "row_count": self.row_count,
            "columns": list(self.columns),
            "validated_at": self.validated_at,
            "timings_ms": jsonable(self.timings_ms),
            "statistics": jsonable(self.statistics),
            "results": [r.to_dict() for r in self.results],
            **({"overview": jsonable(self.overview)} if self.overview is not None else {}),
        }

    def to_json(self, **options: Any) -> str:
        return json.dumps(self.to_dict(), allow_nan=False, **options)

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Report:
        return cls(
            success=bool(value["success"]),
            engine=str(value["engine"]),
            row_count=int(value["row_count"]),
            columns=list(value["columns"]),
            results=[RuleResult.from_dict(r) for r in value["results"]],
            statistics=dict(value.get("statistics") or {}),
            timings_ms=dict(value.get("timings_ms") or {}),
            validated_at=str(value.get("validated_at", "")),
            overview=dict(value["overview"]) if value.get("overview") is not None else None,
        )

    def figures(self, *, labels: Iterable[str] = ()) -> dict[str, Any]:
        """The report's figures as ``plotly.graph_objects.Figure``, by name
        (``validation.figures(report)`` gives the same as plain JSON).

        >>> report.figures()["null_fractions"].show()             # doctest: +SKIP
        """
        from .notebook import plotly_figures

        return plotly_figures(self, labels=labels)

    def show(self, *, labels: Iterable[str] = ()) -> None:
        """Draw the report in a notebook: the rules as a table, then every figure."""
        from .notebook import show

        show(self, labels=labels)

    def __str__(self) -> str:
        passed = len(self.results) - len(self.failed)
        head = (
            f"{'passed' if self.success else 'FAILED'}: {passed} of {len(self.results)} rules "
            f"passed on {self.row_count:,} rows ({self.engine})"
        )
        return "\n".join([head, *("  " + r.line() for r in self.results)])

    def _repr_markdown_(self) -> str:
        lines = [f"**{str(self).splitlines()[0]}**", ""]
        lines += [f"- {'✅' if r.success else '❌'} `{r.line()[5:]}`" for r in self.results]
        return "\n".join(lines)
