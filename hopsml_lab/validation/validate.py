"""``validate(data, rules)``: the engine chosen by what ``data`` is, the plan run in one
pass, the report."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from .builder import RuleBuilder
from .drift import Profile, edges_of, quantile_probs
from .errors import BadRule
from .ge import read_suite
from .plan import build, check_reference, finish
from .report import Report
from .rule import Rule
from .sources import source
from .text import parse
from .types import is_numeric

DEFAULT_SAMPLE = 10
"""Failing rows kept per rule."""


def _rules(rules: Any) -> list[Rule]:
    if isinstance(rules, RuleBuilder):  # validation.Rules
        return list(rules)
    if isinstance(rules, str):
        return parse(rules)
    if isinstance(rules, Mapping) and "expectations" in rules:
        return read_suite(rules)
    if isinstance(rules, list | tuple) and all(isinstance(r, Rule | Mapping) for r in rules):
        return list(RuleBuilder(rules))
    if hasattr(rules, "to_json_dict"):
        return read_suite(rules)
    raise BadRule(
        f"rules: give validation.Rules, their text form, or a Great Expectations suite "
        f"(not {type(rules).__name__})"
    )


def profile(reference: Any, rules: Iterable[Rule]) -> dict[str, Profile]:
    """The reference's profile for the drift rules among ``rules`` (keep it to validate
    later data against it without the reference data): two passes over the reference,
    its quantiles and value counts, then its values per bin."""
    drift = [r for r in rules if r.kind == "drift"]
    if not drift:
        return {}
    if isinstance(reference, Mapping) and all(
        isinstance(v, Profile | Mapping) for v in reference.values()
    ):
        return {
            k: v if isinstance(v, Profile) else Profile.from_dict(v) for k, v in reference.items()
        }
    ref = source(reference)
    wanted: dict[str, tuple[str, int]] = {}  # column -> (numeric|categorical, bins)
    for rule in drift:
        assert rule.column is not None
        if rule.column not in ref.columns:
            continue
        numeric = is_numeric(ref.columns[rule.column]) and rule.params["method"] != "linf"
        wanted[rule.column] = ("numeric" if numeric else "categorical", rule.params["bins"])
    first: dict[str, tuple] = {"rows": ("rows",)}
    for i, (column, (kind, bins)) in enumerate(wanted.items()):
        first[f"n{i}"] = ("count", column)
        if kind == "numeric":
            first[f"q{i}"] = ("quantiles", column, tuple(quantile_probs(bins)))
        else:
            first[f"c{i}"] = ("counts", column)
    got = ref.compute(first)
    second: dict[str, tuple] = {}
    edges: dict[str, list[float]] = {}
    for i, (column, (kind, _)) in enumerate(wanted.items()):
        if kind == "numeric":
            edges[column] = edges_of(got[f"q{i}"])
            second[f"b{i}"] = ("bins", column, tuple(edges[column]))
    binned = ref.compute(second) if second else {}
    out = {}
    for i, (column, (kind, _)) in enumerate(wanted.items()):
        count = int(got[f"n{i}"])
        if not count:
            raise BadRule(f"drift({column}): the reference has no values in {column!r}")
        if kind == "numeric":
            out[column] = Profile(column, kind, count, edges[column], list(binned[f"b{i}"]))
        else:
            counts = got[f"c{i}"]
            if isinstance(counts, str):
                raise BadRule(f"drift({column}): {counts}")
            out[column] = Profile(column, kind, count, [], [[str(v), int(c)] for v, c in counts])
    return out


def validate(
    data: Any,
    rules: Iterable[Rule] | str | Mapping[str, Any],
    *,
    reference: Any = None,
    sample: int = DEFAULT_SAMPLE,
    overview: bool = False,
) -> Report:
    """Validate ``data`` (a Spark or pandas DataFrame, an Arrow table or dataset, a
    DuckDB relation) against ``rules`` (``Rules``, their text form, or a Great
    Expectations suite) in one pass; ``reference``: the data (or ``profile()``) drift
    rules compare with; ``sample``: failing rows kept per rule; ``overview``: also
    keep every column's overview on the report (``validation.overview``: two more
    passes), which its figures draw."""
    started = time.perf_counter()
    rule_list = _rules(rules)
    check_reference(rule_list, reference)
    if not isinstance(sample, int) or isinstance(sample, bool) or sample < 0:
        raise BadRule(f"sample={sample!r}: give how many failing rows to keep per rule (0: none)")
    evaluator = source(data)
    profiles = profile(reference, rule_list) if reference is not None else {}
    profiled = time.perf_counter()
    plan = build(rule_list, evaluator.columns, evaluator.native, profiles)
    values, samples = evaluator.run(plan, sample)
    report = finish(plan, values, samples, evaluator.order, evaluator.engine)
    done = time.perf_counter()
    report.timings_ms = {
        "reference": round((profiled - started) * 1000, 1),
        "validate": round((done - profiled) * 1000, 1),
    }
    if overview:
        from .overview import overview_of

        report.overview = overview_of(evaluator)
        report.timings_ms["overview"] = report.overview["timings_ms"]["overview"]
    return report
