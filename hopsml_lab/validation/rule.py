"""One rule as plain data: what it checks (``kind``), on which column, with which
arguments; ``to_dict`` / ``from_dict`` (JSON-able) and ``describe`` (its text form).
Built by ``builder.RuleBuilder``, parsed by ``text`` and ``ge``, gathered by
``rules.Rules``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import BadRule

ROW_KINDS = ("not_null", "null", "between", "in_set", "not_in_set", "matches", "not_matches")
"""Rules decided row by row: a failing count, and a sample of failing rows."""

FREQUENCY_KINDS = ("unique", "balanced")
"""Rules that need each value's count (a group-by on Spark, a histogram in DuckDB)."""

STATS = ("mean", "stddev", "min", "max", "sum")
"""Column statistics a ``stat`` rule bounds (stddev: the sample standard deviation, as
Great Expectations and pandas' ``std()``)."""

DRIFT_METHODS = ("psi", "js", "linf")
DEFAULT_DRIFT = {"psi": 0.2, "js": 0.1, "linf": 0.1}

KINDS = (
    *ROW_KINDS,
    *FREQUENCY_KINDS,
    "completeness",
    "row_count",
    "stat",
    "schema",
    "type",
    "exists",
    "drift",
)


@dataclass
class Rule:
    """One check. ``column`` is ``None`` for table rules (row_count, schema);
    ``params`` holds the rule's own arguments; ``source`` says where it came from (a
    Great Expectations expectation's type, index and meta; a text rule's offset)."""

    kind: str
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    mostly: float = 1.0
    source: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """The rule as its text form writes it (without ``column:`` for table rules)."""
        args = [] if self.column is None else [self.column]
        params = dict(self.params)
        if self.kind == "schema":
            columns = params["columns"]
            if all(t is None for t in columns.values()):
                name, args = "columns", [_name(c) for c in columns]
            else:
                name, args = "schema", [f"{_name(c)}={_show(t)}" for c, t in columns.items()]
            args += ["ordered=true"] * params["ordered"] + ["exact=false"] * (not params["exact"])
        elif self.kind in ("between", "row_count", "completeness", "stat"):
            name = f"{params.pop('stat')}_between" if self.kind == "stat" else self.kind
            low, high = params.pop("min", None), params.pop("max", None)
            args += [_show(low), _show(high)] if high is not None else [_show(low)]
            args += [f"{k}={_show(v)}" for k, v in params.items() if v]
        else:
            name = self.kind
            args += [
                _show(v) if k in _POSITIONAL.get(self.kind, ()) else f"{k}={_show(v)}"
                for k, v in params.items()
                if v is not None and not (k in _DEFAULTS and v == _DEFAULTS[k])
            ]
        if self.mostly != 1.0:
            args.append(f"mostly={self.mostly!r}")
        return f"{name}({', '.join(args)})"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "column": self.column, "params": self.params}
        if self.mostly != 1.0:
            out["mostly"] = self.mostly
        if self.source:
            out["source"] = self.source
        return out

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Rule:
        if not isinstance(value, Mapping) or value.get("kind") not in KINDS:
            raise BadRule(
                f"not a rule: {value!r:.200}; a rule is a dict with 'kind' (one of {KINDS})"
            )
        return cls(
            kind=value["kind"],
            column=value.get("column"),
            params=dict(value.get("params") or {}),
            mostly=float(value.get("mostly", 1.0)),
            source=dict(value.get("source") or {}),
        )


_POSITIONAL = {
    "in_set": ("values",),
    "not_in_set": ("values",),
    "matches": ("regex",),
    "not_matches": ("regex",),
    "balanced": ("min_share",),
    "type": ("type",),
    "drift": ("method", "threshold"),
    "schema": ("columns",),
}
_DEFAULTS = {"ordered": False, "exact": True, "method": "auto", "bins": 10, "index": None}


def _name(column: str) -> str:
    """A column name as the text form writes it: quoted unless a plain word."""
    return column if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", column) else _show(column)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def text_of(rules: Iterable[Rule]) -> list[str]:
    out = []
    for rule in rules:
        text = rule.describe()
        if rule.column is not None:
            text = text.replace(f"({rule.column}, ", "(", 1).replace(f"({rule.column})", "")
            text = f"{_name(rule.column)}: {text}"
        out.append(text)
    return out
