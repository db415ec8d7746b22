"""The rule builder: one method per kind of rule, each checking its arguments (a
``BadRule`` that says what to give) before adding the ``Rule``."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import BadRule
from .rule import DRIFT_METHODS, STATS, Rule, text_of
from .types import canonical_type

if TYPE_CHECKING:
    from typing_extensions import Self  # typing's own from Python 3.11


class RuleBuilder:
    """Rules built by chaining: each method checks its arguments, adds one ``Rule``
    and returns the same builder. ``rules.Rules`` is the public face (it also parses
    text and Great Expectations suites); ``text`` and ``ge`` build through this one."""

    def __init__(self, rules: Iterable[Rule | Mapping[str, Any]] | None = None) -> None:
        self._rules: list[Rule] = [
            r if isinstance(r, Rule) else Rule.from_dict(r) for r in rules or ()
        ]

    def to_list(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self._rules]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, index: int) -> Rule:
        return self._rules[index]

    def __add__(self, other: Iterable[Rule]) -> Self:
        return type(self)([*self._rules, *other])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({'; '.join(text_of(self._rules))!r})"

    def add(self, rule: Rule) -> Self:
        """Add a ``Rule`` as it is (checked as the builders check it)."""
        self._rules.append(rule)
        return self

    # -- row rules --------------------------------------------------------------------

    def not_null(self, column: str, mostly: float = 1.0) -> Self:
        """No missing value (null, NaN/NaT in pandas): at least ``mostly`` of the rows."""
        rule = "not_null"
        return self.add(Rule(rule, _column(rule, column), {}, _mostly(rule, mostly)))

    def null(self, column: str, mostly: float = 1.0) -> Self:
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
    ) -> Self:
        """``min <= value <= max`` (``<`` where strict; ``None``: that side open);
        numbers, or strings on string columns, or ISO date/times on temporal ones."""
        rule = f"between({column})"
        params = _bounds(rule, min, max, strict_min, strict_max)
        return self.add(Rule("between", _column(rule, column), params, _mostly(rule, mostly)))

    def in_set(self, column: str, values: Iterable[Any], mostly: float = 1.0) -> Self:
        """Each value one of ``values``."""
        rule = f"in_set({column})"
        params = {"values": _values(rule, values)}
        return self.add(Rule("in_set", _column(rule, column), params, _mostly(rule, mostly)))

    def not_in_set(self, column: str, values: Iterable[Any], mostly: float = 1.0) -> Self:
        """No value one of ``values``."""
        rule = f"not_in_set({column})"
        params = {"values": _values(rule, values)}
        return self.add(Rule("not_in_set", _column(rule, column), params, _mostly(rule, mostly)))

    def matches(self, column: str, regex: str, mostly: float = 1.0) -> Self:
        """The regular expression is found in each value (a search, not a full match,
        as Great Expectations: anchor it with ``^...$`` for the whole value)."""
        rule = f"matches({column})"
        params = {"regex": _regex(rule, regex)}
        return self.add(Rule("matches", _column(rule, column), params, _mostly(rule, mostly)))

    def not_matches(self, column: str, regex: str, mostly: float = 1.0) -> Self:
        """The regular expression is found in no value."""
        rule = f"not_matches({column})"
        params = {"regex": _regex(rule, regex)}
        return self.add(Rule("not_matches", _column(rule, column), params, _mostly(rule, mostly)))

    def unique(self, column: str, mostly: float = 1.0) -> Self:
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
    ) -> Self:
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
    ) -> Self:
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
    ) -> Self:
        """The column's ``stat`` (one of mean, stddev, min, max, sum) is within the
        bounds; missing values are left out; no value at all fails."""
        rule = f"{stat}_between({column})"
        if stat not in STATS:
            raise BadRule(f"{rule}: stat {stat!r}: give one of {', '.join(STATS)}")
        params = {"stat": stat, **_bounds(rule, min, max, strict_min, strict_max)}
        return self.add(Rule("stat", _column(rule, column), params))

    def mean_between(self, column: str, min: Any = None, max: Any = None, **strict: bool) -> Self:
        return self.stat_between(column, "mean", min, max, **strict)

    def stddev_between(
        self,
        column: str,
        min: Any = None,
        max: Any = None,
        **strict: bool,
    ) -> Self:
        return self.stat_between(column, "stddev", min, max, **strict)

    def min_between(self, column: str, min: Any = None, max: Any = None, **strict: bool) -> Self:
        return self.stat_between(column, "min", min, max, **strict)

    def max_between(self, column: str, min: Any = None, max: Any = None, **strict: bool) -> Self:
        return self.stat_between(column, "max", min, max, **strict)

    def sum_between(self, column: str, min: Any = None, max: Any = None, **strict: bool) -> Self:
        return self.stat_between(column, "sum", min, max, **strict)

    # -- schema -----------------------------------------------------------------------

    def schema(
        self,
        columns: Mapping[str, str | None] | Sequence[str],
        *,
        ordered: bool = False,
        exact: bool = True,
    ) -> Self:
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

    def column_type(self, column: str, type: str) -> Self:
        """The column's type is ``type`` (see ``schema`` for the names)."""
        rule = f"type({column})"
        canonical_type(type, rule)
        return self.add(Rule("type", _column(rule, column), {"type": type}))

    def exists(self, column: str, index: int | None = None) -> Self:
        """The column exists (at position ``index`` when given)."""
        rule = f"exists({column})"
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
            raise BadRule(f"{rule}: index={index!r}: give a column position")
        return self.add(Rule("exists", _column(rule, column), {"index": index}))

    # -- distributions ----------------------------------------------------------------

    def balanced(self, column: str, min_share: float) -> Self:
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
    ) -> Self:
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
