"""One pass: every rule turned into the aggregates it needs, shared between rules, so
an engine computes all of them together; then each rule's verdict from the values.

The plan knows nothing of engines. It asks for

- aggregates: ``("rows",)``, ``("count", col)`` (non-missing values), ``("count_if",
  cond)`` (rows meeting a condition), ``("agg", fn, col)`` (mean, stddev, stddev_pop,
  min, max, sum), ``("bins", col, edges)`` (rows per bin, for drift);
- value frequencies: ``("dups", col)`` (rows and values that repeat, for unique) and
  ``("counts", col)`` (each value's count, for balance and categorical drift);
- samples: the first rows meeting a rule's failing condition, at most ``k`` per rule.

Conditions are small tuples an engine compiles to SQL or to a Spark ``Column``:
``("isnull", col)``, ``("notnull", col)``, ``("cmp", col, op, value)`` with op one of
``< <= > >=``, ``("in", col, values)``, ``("regex", col, pattern)`` (a search, on the
value as text), ``("not", c)``, ``("and", c, ...)``, ``("false",)``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .drift import Profile, distance
from .errors import BadInput, BadRule
from .report import Report, RuleResult, jsonable
from .rule import DEFAULT_DRIFT, Rule
from .types import canonical_type, is_numeric, is_temporal

Cond = tuple
COUNTS_CAP = 10_000
"""At most this many distinct values are counted for balance and categorical drift."""


@dataclass
class _RulePlan:
    rule: Rule
    reads: dict[str, str] = field(default_factory=dict)  # role -> aggregate alias
    error: str | None = None
    failing_cond: Cond | None = None  # row rules: the condition of a failing row
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """What to compute for ``rules`` over a source with ``columns`` (name -> kind)."""

    columns: dict[str, str]
    native_types: dict[str, str]
    aggregates: dict[str, tuple] = field(default_factory=dict)  # alias -> aggregate
    samples: dict[int, Cond] = field(default_factory=dict)  # rule index -> failing cond
    dup_samples: dict[int, str] = field(default_factory=dict)  # rule index -> unique column
    rules: list[_RulePlan] = field(default_factory=list)
    _aliases: dict[tuple, str] = field(default_factory=dict)

    def need(self, aggregate: tuple) -> str:
        """The alias of ``aggregate``, asked for once however many rules read it."""
        key = _key(aggregate)
        if key not in self._aliases:
            alias = f"a{len(self._aliases)}"
            self._aliases[key] = alias
            self.aggregates[alias] = aggregate
        return self._aliases[key]

    def failing_counts(self, values: Mapping[str, Any]) -> dict[int, int]:
        """Each row rule's failing rows (rule index -> count), from computed values."""
        rows = int(values[self.need(("rows",))])
        out = {}
        for index, step in enumerate(self.rules):
            if step.error is not None:
                continue
            if step.rule.kind == "not_null":
                out[index] = rows - int(values[step.reads["nonnull"]])
            elif step.rule.kind == "null":
                out[index] = int(values[step.reads["nonnull"]])
            elif "failing" in step.reads:
                out[index] = int(values[step.reads["failing"]] or 0)
        return out


def _key(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_key(v) for v in value)
    return (type(value).__name__, value)


def build(
    rules: list[Rule],
    columns: Mapping[str, str],
    native_types: Mapping[str, str] | None = None,
    profiles: Mapping[str, Profile] | None = None,
) -> Plan:
    """The plan of ``rules`` over a source whose columns have these kinds. A rule that
    cannot run on this source (no such column, a bound of the wrong type for the
    column) becomes a failed verdict naming why; the others still run."""
    plan = Plan(dict(columns), dict(native_types or columns))
    rows = plan.need(("rows",))
    for index, rule in enumerate(rules):
        step = _RulePlan(rule, {"rows": rows})
        plan.rules.append(step)
        try:
            _plan_rule(plan, index, step, profiles or {})
        except _CannotRun as reason:
            step.error = str(reason)
            step.reads = {"rows": rows}
    return plan


class _CannotRun(Exception):
    """This rule cannot run on this data (its verdict says why)."""


def _plan_rule(plan: Plan, index: int, step: _RulePlan, profiles: Mapping[str, Profile]) -> None:
    rule = step.rule
    kind, col = rule.kind, rule.column
    if kind in ("schema", "exists", "row_count"):
        return
    assert col is not None
    if col not in plan.columns:
        raise _CannotRun(f"no column {col!r} (columns: {', '.join(plan.columns)})")
    if kind == "type":
        return
    column_kind = plan.columns[col]
    step.reads["nonnull"] = plan.need(("count", col))
    if kind == "not_null":
        step.failing_cond = ("isnull", col)
    elif kind == "null":
        step.failing_cond = ("notnull", col)
    elif kind == "between":
        low = _literal(rule, "min", rule.params["min"], column_kind)
        high = _literal(rule, "max", rule.params["max"], column_kind)
        parts: list[Cond] = []
        if low is not None:
            parts.append(("cmp", col, ">" if rule.params["strict_min"] else ">=", low))
        if high is not None:
            parts.append(("cmp", col, "<" if rule.params["strict_max"] else "<=", high))
        ok = parts[0] if len(parts) == 1 else ("and", *parts)
        step.failing_cond = ("and", ("notnull", col), ("not", ok))
    elif kind in ("in_set", "not_in_set"):
        values = _set_values(rule.params["values"], column_kind)
        member: Cond = ("in", col, tuple(values)) if values else ("false",)
        failing = ("not", member) if kind == "in_set" else member
        step.failing_cond = ("and", ("notnull", col), failing)
    elif kind in ("matches", "not_matches"):
        found: Cond = ("regex", col, rule.params["regex"])
        failing = ("not", found) if kind == "matches" else found
        step.failing_cond = ("and", ("notnull", col), failing)
    elif kind == "unique":
        step.reads["failing"] = plan.need(("dups", col))
        plan.dup_samples[index] = col
    elif kind == "completeness":
        pass
    elif kind == "stat":
        stat = rule.params["stat"]
        if not is_numeric(column_kind):
            raise _CannotRun(f"{stat} of column {col!r} of type {column_kind}: needs numbers")
        for bound in ("min", "max"):
            if isinstance(rule.params[bound], str):
                raise _CannotRun(f"{bound} {rule.params[bound]!r}: give a number")
        step.reads["observed"] = plan.need(("agg", stat, col))
    elif kind == "balanced":
        step.reads["counts"] = plan.need(("counts", col))
    elif kind == "drift":
        profile = profiles.get(col)
        if profile is None:
            raise _CannotRun(f"the reference has no column {col!r}")
        method = _drift_method(rule, profile)
        step.extra.update(method=method, profile=profile)
        if profile.kind == "numeric" and method != "linf":
            if not is_numeric(column_kind):
                raise _CannotRun(f"{method} drift of {col!r} ({column_kind}): needs numbers")
            step.reads["bins"] = plan.need(("bins", col, tuple(profile.edges)))
        else:
            step.reads["counts"] = plan.need(("counts", col))
    else:  # pragma: no cover - every kind is planned above
        raise AssertionError(kind)
    if step.failing_cond is not None:
        if kind in ("not_null", "null"):
            # rows - non-missing: no aggregate of its own
            pass
        else:
            step.reads["failing"] = plan.need(("count_if", step.failing_cond))
        plan.samples[index] = step.failing_cond


def _drift_method(rule: Rule, profile: Profile) -> str:
    method = rule.params.get("method", "auto")
    if method == "auto":
        return "psi" if profile.kind == "numeric" else "linf"
    if method in ("psi", "js") and profile.kind != "numeric":
        raise _CannotRun(f"{method} drift needs a numeric column; use linf for categories")
    return method


def _literal(rule: Rule, name: str, value: Any, column_kind: str) -> Any:
    """A bound as the column's values compare with it."""
    if value is None:
        return None
    if is_numeric(column_kind):
        if isinstance(value, str):
            raise _CannotRun(f"{name} {value!r} on a numeric column: give a number")
        return value
    if is_temporal(column_kind):
        if not isinstance(value, str):
            raise _CannotRun(f"{name} {value!r} on a {column_kind} column: give an ISO date/time")
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _CannotRun(f"{name} {value!r}: not an ISO date/time") from None
        if column_kind == "date":
            return parsed.date()
        return parsed
    if column_kind == "string":
        if not isinstance(value, str):
            raise _CannotRun(f"{name} {value!r} on a string column: give a string")
        return value
    raise _CannotRun(f"between on a {column_kind} column: needs numbers, strings or dates")


def _set_values(values: list[Any], column_kind: str) -> list[Any]:
    """The values that can equal a value of the column (as pandas' ``isin``: ``"1"``
    never equals ``1``)."""
    if is_numeric(column_kind):
        return [
            v
            for v in values
            if isinstance(v, int | float) and not isinstance(v, bool) and not math.isnan(v)
        ]
    if column_kind == "bool":
        return [v for v in values if isinstance(v, bool)]
    if column_kind == "string":
        return [v for v in values if isinstance(v, str)]
    if is_temporal(column_kind):
        out = []
        for v in values:
            if isinstance(v, str):
                try:
                    parsed = dt.datetime.fromisoformat(v)
                except ValueError:
                    continue
                out.append(parsed.date() if column_kind == "date" else parsed)
        return out
    return [v for v in values if v is not None]


def bin_conditions(column: str, edges: tuple[float, ...]) -> list[tuple]:
    """The conditions of the bins ``(-inf, e1], (e1, e2], ..., (ek, inf)`` (as plan
    conditions, so Spark compiles the same)."""
    if not edges:
        return [("notnull", column)]
    conds: list[tuple] = [("cmp", column, "<=", edges[0])]
    for low, high in itertools.pairwise(edges):
        conds.append(("and", ("cmp", column, ">", low), ("cmp", column, "<=", high)))
    conds.append(("cmp", column, ">", edges[-1]))
    return conds


# -- verdicts -------------------------------------------------------------------------


def _between(value: Any, params: Mapping[str, Any]) -> bool:
    low, high = params.get("min"), params.get("max")
    if low is not None and (value <= low if params.get("strict_min") else value < low):
        return False
    return not (high is not None and (value >= high if params.get("strict_max") else value > high))


def _number(value: Any) -> Any:
    """Engines answer Decimal, numpy scalars or big ints: plain Python numbers out."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, int | float | bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def finish(
    plan: Plan,
    values: Mapping[str, Any],
    samples: Mapping[int, list[dict[str, Any]]],
    column_order: list[str],
    engine: str,
) -> Report:
    """Each rule's verdict from the computed ``values``; the report."""
    rows = int(values[plan.need(("rows",))])
    results = []
    stats: dict[str, dict[str, Any]] = {}
    for index, step in enumerate(plan.rules):
        rule = step.rule
        result = RuleResult(rule=rule, success=False, element_count=rows)
        results.append(result)
        if step.error is not None:
            result.error = step.error
            continue
        if rule.column is not None and "nonnull" in step.reads:
            nonnull = int(values[step.reads["nonnull"]])
            column_stats = stats.setdefault(
                rule.column,
                {
                    "type": plan.native_types.get(rule.column),
                    "count": rows,
                    "num_non_null_values": nonnull,
                    "num_null_values": rows - nonnull,
                    "completeness": nonnull / rows if rows else None,
                },
            )
        else:
            nonnull = rows
            column_stats = None
        _verdict(plan, step, result, values, rows, nonnull, column_order, column_stats)
        if result.failing_count and index in samples:
            result.sample = samples[index]
    return Report(
        success=all(r.success for r in results),
        engine=engine,
        row_count=rows,
        columns=list(column_order),
        results=results,
        statistics=jsonable(stats),
    )


def _verdict(
    plan: Plan,
    step: _RulePlan,
    result: RuleResult,
    values: Mapping[str, Any],
    rows: int,
    nonnull: int,
    column_order: list[str],
    column_stats: dict[str, Any] | None,
) -> None:
    rule = step.rule
    kind, params = rule.kind, rule.params
    if kind in ("not_null", "null"):
        failing = rows - nonnull if kind == "not_null" else nonnull
        _map_verdict(result, rule, failing, rows, rows)
    elif kind in ("between", "in_set", "not_in_set", "matches", "not_matches", "unique"):
        failing = int(values[step.reads["failing"]] or 0)
        _map_verdict(result, rule, failing, nonnull, rows)
    elif kind == "completeness":
        observed = nonnull / rows if rows else None
        result.observed = observed
        result.failing_count = rows - nonnull
        result.success = observed is not None and _between(observed, params)
    elif kind == "row_count":
        result.observed = rows
        result.success = _between(rows, params)
    elif kind == "stat":
        observed = _number(values[step.reads["observed"]])
        if isinstance(observed, float) and math.isnan(observed):
            observed = None
        result.observed = observed
        result.success = observed is not None and _between(observed, params)
        if column_stats is not None and observed is not None:
            column_stats[params["stat"]] = observed
    elif kind == "schema":
        _schema_verdict(plan, result, params, column_order)
    elif kind == "type":
        have = plan.columns[rule.column]
        want = canonical_type(params["type"])
        result.observed = have
        result.success = have == want
        if not result.success:
            result.details = {"expected": want, "found": have}
    elif kind == "exists":
        position = params.get("index")
        if position is None:
            result.success = rule.column in plan.columns
        else:
            result.success = 0 <= position < len(column_order) and (
                column_order[position] == rule.column
            )
        result.observed = rule.column in plan.columns
    elif kind == "balanced":
        counts = _counts(values[step.reads["counts"]], rule)
        total = sum(counts.values())
        shares = {k: c / total for k, c in counts.items()} if total else {}
        minority = {k: s for k, s in shares.items() if s < params["min_share"]}
        result.observed = jsonable(shares)
        result.failing_count = len(minority)
        result.considered_count = nonnull
        result.success = bool(total) and not minority
        if minority:
            result.details = {"under_share": jsonable(minority)}
        elif not total:
            result.details = {"reason": "no label values"}
    elif kind == "drift":
        profile: Profile = step.extra["profile"]
        method = step.extra["method"]
        if "bins" in step.reads:
            current = [int(c) for c in values[step.reads["bins"]]]
        else:
            current = _counts(values[step.reads["counts"]], rule)
        threshold = params.get("threshold")
        if threshold is None:
            threshold = DEFAULT_DRIFT[method]
        observed, details = distance(profile, current, method)
        result.observed = observed
        result.details = {"method": method, "threshold": threshold, **details}
        result.success = observed is not None and observed <= threshold
    else:  # pragma: no cover
        raise AssertionError(kind)


def _counts(value: Any, rule: Rule) -> dict[Any, int]:
    if value is None:
        return {}
    if isinstance(value, str):  # the engine said why it could not count them
        raise BadInput(f"{rule.describe()}: {value}")
    if isinstance(value, list):  # [(key, count), ...]
        return {k: int(c) for k, c in value}
    return {k: int(c) for k, c in dict(value).items()}


def _map_verdict(result: RuleResult, rule: Rule, failing: int, considered: int, rows: int) -> None:
    result.failing_count = failing
    result.considered_count = considered
    result.failing_percent = 100.0 * failing / considered if considered else None
    if rows == 0 or considered == 0:
        result.success = True  # vacuously, as Great Expectations
    else:
        result.success = (considered - failing) / considered >= rule.mostly


def _schema_verdict(
    plan: Plan, result: RuleResult, params: Mapping[str, Any], column_order: list[str]
) -> None:
    expected: dict[str, Any] = params["columns"]
    missing = [c for c in expected if c not in plan.columns]
    unexpected = [c for c in column_order if c not in expected] if params["exact"] else []
    wrong = {
        c: {"expected": canonical_type(t), "found": plan.columns[c]}
        for c, t in expected.items()
        if t is not None and c in plan.columns and canonical_type(t) != plan.columns[c]
    }
    out_of_order = False
    if params["ordered"]:
        if params["exact"]:
            out_of_order = list(expected) != column_order
        else:
            present = [c for c in column_order if c in expected]
            out_of_order = present != [c for c in expected if c in plan.columns]
    result.observed = list(column_order)
    result.success = not (missing or unexpected or wrong or out_of_order)
    details: dict[str, Any] = {}
    if missing:
        details["missing"] = missing
    if unexpected:
        details["unexpected"] = unexpected
    if wrong:
        details["types"] = wrong
    if out_of_order:
        details["order"] = {"expected": list(expected), "found": list(column_order)}
    result.details = details or None


def check_reference(rules: list[Rule], reference: Any) -> None:
    if any(r.kind == "drift" for r in rules) and reference is None:
        raise BadRule(
            "drift rules compare with reference data: pass reference= (a DataFrame of "
            "the reference period, or a validation.Profile of it)"
        )
