"""The rules: what each one checks, built in Python, from text or from a Great
Expectations suite, all into the same ``Rule`` records.

>>> rules = Rules().not_null("age").between("age", 0, 120).balanced("churned", 0.2)
>>> [r.describe() for r in rules]
['not_null(age)', 'between(age, 0, 120)', 'balanced(churned, 0.2)']

A rule is plain data (``to_dict`` / ``from_dict``, JSON-able), so a set of rules can be
stored, sent and read back; nothing in it holds a DataFrame (a drift rule's reference
data is given when validating).

Semantics (those of Great Expectations where it has the rule): the row rules (not_null,
null, between, in_set, not_in_set, matches, not_matches, unique) count failing rows;
all but not_null and null ignore missing values, and ``mostly`` is the share of the
rows they consider (non-missing ones) that must pass. A rule over no rows passes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import BadRule
from .types import canonical_type

if TYPE_CHECKING:
    from .report import Report

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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mostly(rule: str, mostly: Any) -> float:
    if not _is_number(mostly) or not 0.0 <= float(mostly) <= 1.0:
        raise BadRule(f"{rule}: mostly={mostly!r}: give a share between 0 and 1")
    return float(mostly)


def _column(rule: str, column: Any) -> str:
    if not isinstance(column, str) or not column:
        raise BadRule(f"{rule}: column {column!r}: give the column's name as a string")
    return column


def _bound_value(rule: str, name: str, value: Any) -> Any:
    """A bound: a number, a string (string columns, or an ISO date/time), or None."""
    if value is None or isinstance(value, str):
        return value
    if _is_number(value):
        if isinstance(value, float) and math.isnan(value):
            raise BadRule(f"{rule}: {name}=nan: give a number, or null for no bound")
        return value
    if hasattr(value, "isoformat"):  # a date, datetime or pandas Timestamp
        return value.isoformat()
    raise BadRule(f"{rule}: {name}={value!r:.100}: give a number, a string or null")


def _bounds(
    rule: str, low: Any, high: Any, strict_min: Any, strict_max: Any, need_one: bool = True
) -> dict[str, Any]:
    low, high = _bound_value(rule, "min", low), _bound_value(rule, "max", high)
    if need_one and low is None and high is None:
        raise BadRule(f"{rule}: give min, max or both (null for an open side)")
    for name, flag in (("strict_min", strict_min), ("strict_max", strict_max)):
        if not isinstance(flag, bool):
            raise BadRule(f"{rule}: {name}={flag!r}: give true or false")
    if low is not None and high is not None:
        if isinstance(low, str) != isinstance(high, str):
            raise BadRule(
                f"{rule}: min {low!r} and max {high!r}: give both numbers or both strings"
            )
        if low > high:
            raise BadRule(f"{rule}: min {low!r} is above max {high!r}: swap them")
    return {"min": low, "max": high, "strict_min": strict_min, "strict_max": strict_max}


def _values(rule: str, values: Any) -> list[Any]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise BadRule(f"{rule}: values {values!r:.100}: give a list of values")
    out = list(values)
    for value in out:
        if not (value is None or isinstance(value, str | bool | int | float)):
            raise BadRule(f"{rule}: value {value!r:.100}: give strings, numbers or booleans")
    return out


def _regex(rule: str, regex: Any) -> str:
    if not isinstance(regex, str):
        raise BadRule(f"{rule}: regex {regex!r:.100}: give the pattern as a string")
    try:
        re.compile(regex)
    except re.error as error:
        raise BadRule(f"{rule}: regex {regex!r:.100} does not compile: {error}") from None
    return regex


class Rules:
    """An ordered set of rules, built by chaining (each method adds one rule and returns
    the same ``Rules``), parsed from text (``Rules("age: not_null, between(0, 120)")``)
    or read from a Great Expectations suite (``Rules.from_ge(suite)``)."""

    def __init__(
        self,
        rules: str | Mapping[str, Any] | Iterable[Rule | Mapping[str, Any]] | None = None,
    ) -> None:
        self._rules: list[Rule] = []
        if isinstance(rules, str):
            from .text import parse

            self._rules = list(parse(rules))
        elif isinstance(rules, Mapping):  # a Great Expectations suite
            from .ge import read_suite

            self._rules = read_suite(rules)
        elif rules is not None:
            self._rules = [r if isinstance(r, Rule) else Rule.from_dict(r) for r in rules]

    # -- reading ----------------------------------------------------------------------

    @classmethod
    def from_text(cls, text: str) -> Rules:
        """Rules from the text form: ``"age: not_null, between(0, 120); churned:
        balanced(0.2); row_count(1000)"``."""
        return cls(text)

    @classmethod
    def from_ge(cls, suite: Any) -> Rules:
        """Rules from a Great Expectations suite: GE 1.x JSON (``name``, ``expectations:
        [{type, kwargs, meta}]``), the 0.18 form feature groups carry
        (``expectation_suite_name``, ``expectation_type``), as a dict, JSON text, a path
        or a GE suite object. An unsupported expectation is refused, naming it."""
        from .ge import read_suite

        return cls(read_suite(suite))

    def to_list(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self._rules]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, index: int) -> Rule:
        return self._rules[index]

    def __add__(self, other: Rules) -> Rules:
        return Rules([*self._rules, *other])

    def __repr__(self) -> str:
        return f"Rules({'; '.join(_text_of(self._rules))!r})"

    def add(self, rule: Rule) -> Rules:
        """Add a ``Rule`` as it is (checked as the builders check it)."""
        self._rules.append(rule)
        return self

    def validate(self, data: Any, **options: Any) -> Report:
        """``validation.validate(data, self, **options)``."""
        from .validate import validate

        return validate(data, self, **options)

    # -- row rules --------------------------------------------------------------------

    def not_null(self, column: str, mostly: float = 1.0) -> Rules:
        """No missing value (null, NaN/NaT in pandas): at least ``mostly`` of the rows."""
        rule = "not_null"
        return self.add(Rule(rule, _column(rule, column), {}, _mostly(rule, mostly)))

    def null(self, column: str, mostly: float = 1.0) -> Rules:
        """Every value missing (at least ``mostly`` of the rows)."""
        return self.add(Rule("null", _column("null", column), {}, _mostly("null", mostly)))

    def between(
        self,
        column: str,
        min: Any = None,
        max: Any = None,
        *,
        strict_min: bool = False,
        strict_max: bool = False,
        mostly: float = 1.0,
    ) -> Rules:
        """``min <= value <= max`` (``<`` where strict; ``None``: that side open);
        numbers, or strings on string columns, or ISO date/times on temporal ones."""
        rule = f"between({column})"
        params = _bounds(rule, min, max, strict_min, strict_max)
        return self.add(Rule("between", _column(rule, column), params, _mostly(rule, mostly)))

    def in_set(self, column: str, values: Iterable[Any], mostly: float = 1.0) -> Rules:
        """Each value one of ``values``."""
        rule = f"in_set({column})"
        params = {"values": _values(rule, values)}
        return self.add(Rule("in_set", _column(rule, column), params, _mostly(rule, mostly)))

    def not_in_set(self, column: str, values: Iterable[Any], mostly: float = 1.0) -> Rules:
        """No value one of ``values``."""
        rule = f"not_in_set({column})"
        params = {"values": _values(rule, values)}
        return self.add(Rule("not_in_set", _column(rule, column), params, _mostly(rule, mostly)))

    def matches(self, column: str, regex: str, mostly: float = 1.0) -> Rules:
        """The regular expression is found in each value (a search, not a full match,
        as Great Expectations: anchor it with ``^...$`` for the whole value)."""
        rule = f"matches({column})"
        params = {"regex": _regex(rule, regex)}
        return self.add(Rule("matches", _column(rule, column), params, _mostly(rule, mostly)))

    def not_matches(self, column: str, regex: str, mostly: float = 1.0) -> Rules:
        """The regular expression is found in no value."""
        rule = f"not_matches({column})"
        params = {"regex": _regex(rule, regex)}
        return self.add(Rule("not_matches", _column(rule, column), params, _mostly(rule, mostly)))

    def unique(self, column: str, mostly: float = 1.0) -> Rules:
        """No value repeats: every row whose value occurs more than once fails (as Great
        Expectations counts them)."""
        rule = f"unique({column})"
        return self.add(Rule("unique", _column(rule, column), {}, _mostly(rule, mostly)))

    # -- table and column metrics -----------------------------------------------------

    def completeness(
        self,
        column: str,
        at_least: float | None = None,
        at_most: float | None = None,
        *,
        strict_min: bool = False,
        strict_max: bool = False,
    ) -> Rules:
        """The share of non-missing values is at least ``at_least`` (and at most
        ``at_most``)."""
        rule = f"completeness({column})"
        for name, value in (("at_least", at_least), ("at_most", at_most)):
            if value is not None and (not _is_number(value) or not 0 <= value <= 1):
                raise BadRule(f"{rule}: {name}={value!r}: give a share between 0 and 1")
        params = _bounds(rule, at_least, at_most, strict_min, strict_max)
        return self.add(Rule("completeness", _column(rule, column), params))

    def row_count(
        self,
        min: int | None = None,
        max: int | None = None,
        *,
        strict_min: bool = False,
        strict_max: bool = False,
    ) -> Rules:
        """The number of rows is within the bounds."""
        params = _bounds("row_count", min, max, strict_min, strict_max)
        for name in ("min", "max"):
            if isinstance(params[name], str):
                raise BadRule(f"row_count: {name}={params[name]!r}: give a number of rows")
        return self.add(Rule("row_count", None, params))

    def stat_between(
        self,
        column: str,
        stat: str,
        min: Any = None,
        max: Any = None,
        *,
        strict_min: bool = False,
        strict_max: bool = False,
    ) -> Rules:
        """The column's ``stat`` (one of mean, stddev, min, max, sum) is within the
        bounds; missing values are left out; no value at all fails."""
        rule = f"{stat}_between({column})"
        if stat not in STATS:
            raise BadRule(f"{rule}: stat {stat!r}: give one of {', '.join(STATS)}")
        params = {"stat": stat, **_bounds(rule, min, max, strict_min, strict_max)}
        return self.add(Rule("stat", _column(rule, column), params))

    def mean_between(self, column: str, min: Any = None, max: Any = None, **strict: bool) -> Rules:
        return self.stat_between(column, "mean", min, max, **strict)

    def stddev_between(
        self,
        column: str,
        min: Any = None,
        max: Any = None,
        **strict: bool,
    ) -> Rules:
        return self.stat_between(column, "stddev", min, max, **strict)

    def min_between(self, column: str, min: Any = None, max: Any = None, **strict: bool) -> Rules:
        return self.stat_between(column, "min", min, max, **strict)

    def max_between(self, column: str, min: Any = None, max: Any = None, **strict: bool) -> Rules:
        return self.stat_between(column, "max", min, max, **strict)

    def sum_between(self, column: str, min: Any = None, max: Any = None, **strict: bool) -> Rules:
        return self.stat_between(column, "sum", min, max, **strict)

    # -- schema -----------------------------------------------------------------------

    def schema(
        self,
        columns: Mapping[str, str | None] | Sequence[str],
        *,
        ordered: bool = False,
        exact: bool = True,
    ) -> Rules:
        """The columns (a list of names, or names to types: ``{"age": "int64"}``, a
        type ``None`` for any): with ``exact`` no other column, with ``ordered`` in
        this order. Types: numpy/pandas, Arrow or Spark names (``int64``, ``double``,
        ``LongType``, ``string``...), compared as kinds of value (``canonical_type``)."""
        if isinstance(columns, str) or not isinstance(columns, Mapping | Sequence):
            raise BadRule(f"schema: columns {columns!r:.100}: give a list of names or a dict")
        expected = dict(columns) if isinstance(columns, Mapping) else dict.fromkeys(columns)
        for name, type_name in expected.items():
            _column("schema", name)
            if type_name is not None:
                canonical_type(type_name, f"schema: column {name!r}")
        if not isinstance(ordered, bool) or not isinstance(exact, bool):
            raise BadRule("schema: ordered= and exact= take true or false")
        params = {"columns": expected, "ordered": ordered, "exact": exact}
        return self.add(Rule("schema", None, params))

    def column_type(self, column: str, type: str) -> Rules:
        """The column's type is ``type`` (see ``schema`` for the names)."""
        rule = f"type({column})"
        canonical_type(type, rule)
        return self.add(Rule("type", _column(rule, column), {"type": type}))

    def exists(self, column: str, index: int | None = None) -> Rules:
        """The column exists (at position ``index`` when given)."""
        rule = f"exists({column})"
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
            raise BadRule(f"{rule}: index={index!r}: give a column position")
        return self.add(Rule("exists", _column(rule, column), {"index": index}))

    # -- distributions ----------------------------------------------------------------

    def balanced(self, column: str, min_share: float) -> Rules:
        """No class of the label ``column`` has a share of its non-missing rows under
        ``min_share``."""
        rule = f"balanced({column})"
        if not _is_number(min_share) or not 0 <= min_share <= 1:
            raise BadRule(f"{rule}: min_share={min_share!r}: give a share between 0 and 1")
        return self.add(Rule("balanced", _column(rule, column), {"min_share": min_share}))

    def drift(
        self,
        column: str,
        threshold: float | None = None,
        *,
        method: str = "auto",
        bins: int = 10,
    ) -> Rules:
        """The column's distribution against the reference data's (given when
        validating) is at most ``threshold`` apart: population stability index
        (``psi``, the default for numbers, 0.2) or Jensen-Shannon divergence (``js``,
        base 2, 0.1) over ``bins`` quantile bins of the reference, or the L-infinity
        distance of value shares (``linf``, the default for other columns, 0.1)."""
        rule = f"drift({column})"
        if method != "auto" and method not in DRIFT_METHODS:
            raise BadRule(
                f"{rule}: method {method!r}: give one of auto, {', '.join(DRIFT_METHODS)}"
            )
        if threshold is not None and (not _is_number(threshold) or threshold < 0):
            raise BadRule(f"{rule}: threshold={threshold!r}: give a non-negative number")
        if not isinstance(bins, int) or isinstance(bins, bool) or not 2 <= bins <= 1000:
            raise BadRule(f"{rule}: bins={bins!r}: give a number of bins from 2 to 1000")
        params = {"method": method, "threshold": threshold, "bins": bins}
        return self.add(Rule("drift", _column(rule, column), params))


def _text_of(rules: Iterable[Rule]) -> list[str]:
    out = []
    for rule in rules:
        text = rule.describe()
        if rule.column is not None:
            text = text.replace(f"({rule.column}, ", "(", 1).replace(f"({rule.column})", "")
            text = f"{_name(rule.column)}: {text}"
        out.append(text)
    return out
