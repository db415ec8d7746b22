"""A ``Report`` as the JSON Great Expectations writes for a validation
(``ExpectationSuiteValidationResult.to_json_dict()``), in the 0.18 shape Hopsworks
keeps (``expectation_config`` with ``expectation_type``): what hsfs'
``ValidationReport`` and ``ValidationResult`` are made from.

Per expectation, ``result`` holds what GE 1.24's default (``SUMMARY``) format holds:
column map expectations ``element_count``, ``unexpected_count``,
``unexpected_percent`` (of the non-missing values), ``partial_unexpected_list`` (the
column's values in the failing rows sampled, up to ``PARTIAL_UNEXPECTED`` as GE),
``partial_unexpected_counts`` and, but for not-null and null, ``missing_count``,
``missing_percent``, ``unexpected_percent_total`` and
``unexpected_percent_nonmissing``; aggregate and table expectations
``observed_value`` (and ``details`` where GE gives them). GE's
``partial_unexpected_index_list`` is left out: rows here have no pandas index. A rule
that did not come from a suite is shown as the expectation that checks the same
(``suites.expectations_of``), or, for ``balanced`` and ``drift``, as
``hopsml_<kind>`` with its parameters.

>>> from hopsml_lab.validation import Rules, validate
>>> import pandas as pd
>>> report = validate(pd.DataFrame({"age": [1, 200]}), Rules().between("age", 0, 120))
>>> suite_result(report)["results"][0]["result"]["partial_unexpected_list"]
[200]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from .errors import BadSuite
from .report import Report, RuleResult, jsonable
from .suites import expectations_of

PARTIAL_UNEXPECTED = 20
"""Failing values GE lists per expectation (its ``partial_unexpected_count``)."""

_MAP_KINDS = ("not_null", "null", "between", "in_set", "not_in_set", "matches", "not_matches")
_ALL_ROWS = ("not_null", "null")  # judged on every row: GE reports no missing counts


def expectation_config(result: RuleResult) -> dict[str, Any]:
    """The expectation a result answers, as GE's 0.18 ``ExpectationConfiguration``."""
    rule = result.rule
    try:
        found = expectations_of(rule)
    except BadSuite:  # balanced, drift: no GE expectation checks them
        kwargs = {"column": rule.column, **rule.params} if rule.column else dict(rule.params)
        return {"expectation_type": f"hopsml_{rule.kind}", "kwargs": jsonable(kwargs), "meta": {}}
    config = found[0]
    return {
        "expectation_type": config["expectation_type"],
        "kwargs": jsonable(config["kwargs"]),
        "meta": jsonable(config["meta"]),
    }


def _percent(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _partial(result: RuleResult) -> dict[str, Any]:
    column = result.rule.column
    values = [row.get(column) for row in result.sample[:PARTIAL_UNEXPECTED] if column in row]
    counts = Counter(repr(v) for v in values)
    first = {repr(v): v for v in reversed(values)}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {
        "partial_unexpected_list": jsonable(values),
        "partial_unexpected_counts": [
            {"value": jsonable(first[key]), "count": count} for key, count in ordered
        ],
    }


def _map_result(result: RuleResult) -> dict[str, Any]:
    rows = result.element_count
    failing = int(result.failing_count or 0)
    out: dict[str, Any] = {"element_count": rows, "unexpected_count": failing}
    if result.rule.kind in _ALL_ROWS:
        out["unexpected_percent"] = _percent(failing, rows)
        return {**out, **_partial(result)}
    considered = rows if result.considered_count is None else int(result.considered_count)
    missing = rows - considered
    out["unexpected_percent"] = _percent(failing, considered)
    out.update(_partial(result))
    out["missing_count"] = missing
    out["missing_percent"] = _percent(missing, rows)
    out["unexpected_percent_total"] = _percent(failing, rows)
    out["unexpected_percent_nonmissing"] = _percent(failing, considered)
    return out


def _result(result: RuleResult) -> dict[str, Any]:
    kind = result.rule.kind
    if result.error is not None:
        return {}
    if kind in _MAP_KINDS or kind == "unique":
        return _map_result(result)
    if kind == "exists":
        return {}
    out: dict[str, Any] = {"observed_value": jsonable(result.observed)}
    if kind == "schema" and result.details:
        out["details"] = {"mismatched": jsonable(result.details)}
    elif kind in ("balanced", "drift", "type") and result.details:
        out["details"] = jsonable(result.details)
    return out


def validation_result(result: RuleResult) -> dict[str, Any]:
    """One expectation's outcome, as GE's ``ExpectationValidationResult.to_json_dict()``."""
    return {
        "success": bool(result.success),
        "expectation_config": expectation_config(result),
        "result": _result(result),
        "meta": {},
        "exception_info": {
            "raised_exception": result.error is not None,
            "exception_traceback": None,
            "exception_message": result.error,
        },
    }


def statistics(results: list[dict[str, Any]]) -> dict[str, Any]:
    """GE's validation statistics of a list of expectation results."""
    evaluated = len(results)
    passed = sum(1 for r in results if r.get("success"))
    return {
        "evaluated_expectations": evaluated,
        "successful_expectations": passed,
        "unsuccessful_expectations": evaluated - passed,
        "success_percent": _percent(passed, evaluated),
    }


def suite_result(
    report: Report, suite_name: str | None = None, meta: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The whole report as GE's ``ExpectationSuiteValidationResult.to_json_dict()``
    (``evaluation_parameters`` as 0.18 names them); ``meta`` is added to its meta."""
    results = [validation_result(r) for r in report.results]
    return {
        "success": bool(report.success),
        "results": results,
        "statistics": statistics(results),
        "evaluation_parameters": {},
        "meta": {
            **({} if suite_name is None else {"expectation_suite_name": suite_name}),
            "validation_engine": f"hopsml_lab ({report.engine})",
            "validation_time": report.validated_at,
            "row_count": report.row_count,
            **jsonable(dict(meta or {})),
        },
    }
