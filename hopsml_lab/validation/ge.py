"""Great Expectations suites as rules.

Read: the JSON GE 1.x writes (``{"name", "expectations": [{"type", "kwargs", "meta",
"id"...}]}``), the 0.18 form Hopsworks feature groups carry
(``{"expectation_suite_name", "expectations": [{"expectation_type", "kwargs",
"meta"}]}``) and Hopsworks' REST form (``expectationSuiteName``, ``expectationType``,
kwargs as JSON text); as a dict, JSON text, a path to a ``.json`` file, or any object
with ``to_json_dict()`` (a GE ``ExpectationSuite``).

Every expectation is checked before anything runs: one this engine does not evaluate is
an ``UnsupportedExpectation`` naming it (and the ones it does), and a missing, unknown
or ill-typed field a ``BadSuite`` naming the expectation and the field. GE's semantics
are kept (read from GE 1.24's source): the column-map expectations leave missing values
out and judge ``mostly`` on the rest (not_null and null on every row); a map
expectation over no rows passes; ``unique`` fails every row whose value repeats;
``stdev`` is the sample standard deviation; a statistic of no values fails;
``regex`` is searched for, not fully matched; ``min_value``/``max_value`` are inclusive
unless ``strict_min``/``strict_max``; ``match_set``'s ``exact_match`` defaults to true.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .builder import RuleBuilder
from .errors import BadRule, BadSuite, UnsupportedExpectation
from .rule import Rule

# Fields every expectation may carry that do not change its verdict.
_IGNORED = {"result_format", "catch_exceptions", "include_config", "meta", "batch_id"}
# Fields that change which rows are judged: refused rather than ignored.
_REFUSED_IF_SET = {"row_condition", "condition_parser"}


# expectation type -> its required and optional fields, and how to build its rule
def _column_map(method: str, *value_fields: str) -> dict[str, Any]:
    return {
        "required": ("column", *value_fields),
        "optional": ("mostly",),
        "call": lambda b, kw: getattr(b, method)(
            kw["column"], *[kw[f] for f in value_fields], mostly=kw.get("mostly", 1.0)
        ),
    }


def _between(method: str, column: bool = True, *extra: str) -> dict[str, Any]:
    def call(b: RuleBuilder, kw: dict[str, Any]) -> RuleBuilder:
        bounds = {
            "strict_min": kw.get("strict_min", False),
            "strict_max": kw.get("strict_max", False),
        }
        args = [kw["column"]] if column else []
        if "min_value" not in kw and "max_value" not in kw:
            raise BadSuite("give min_value, max_value or both")
        return getattr(b, method)(*args, kw.get("min_value"), kw.get("max_value"), **bounds)

    return {
        "required": ("column",) if column else (),
        "optional": ("min_value", "max_value", "strict_min", "strict_max", *extra),
        "call": call,
    }


def _values_between(b: RuleBuilder, kw: dict[str, Any]) -> RuleBuilder:
    if kw.get("min_value") is None and kw.get("max_value") is None:
        raise BadSuite("give min_value, max_value or both (GE refuses both null)")
    return b.between(
        kw["column"],
        kw.get("min_value"),
        kw.get("max_value"),
        strict_min=kw.get("strict_min", False),
        strict_max=kw.get("strict_max", False),
        mostly=kw.get("mostly", 1.0),
    )


def _in_set(method: str) -> dict[str, Any]:
    def call(b: RuleBuilder, kw: dict[str, Any]) -> RuleBuilder:
        if kw["value_set"] is None:
            raise BadSuite("field 'value_set': give the list of values")
        return getattr(b, method)(kw["column"], kw["value_set"], mostly=kw.get("mostly", 1.0))

    return {"required": ("column", "value_set"), "optional": ("mostly",), "call": call}


def _proportion(b: RuleBuilder, kw: dict[str, Any]) -> RuleBuilder:
    if kw.get("min_value") is None and kw.get("max_value") is None:
        raise BadSuite("give min_value, max_value or both")
    return b.completeness(
        kw["column"],
        kw.get("min_value"),
        kw.get("max_value"),
        strict_min=kw.get("strict_min", False),
        strict_max=kw.get("strict_max", False),
    )


def _ordered(b: RuleBuilder, kw: dict[str, Any]) -> RuleBuilder:
    columns = kw["column_list"]
    if columns is None:
        return b.schema([], exact=False)  # GE: no list, passes
    return b.schema(_names(columns, "column_list"), ordered=True, exact=True)


def _set(b: RuleBuilder, kw: dict[str, Any]) -> RuleBuilder:
    columns = kw["column_set"]
    exact = kw.get("exact_match", True)
    if columns is None:
        return b.schema([], exact=bool(exact))
    return b.schema(_names(columns, "column_set"), exact=True if exact is None else exact)


def _names(columns: Any, field: str) -> list[str]:
    if isinstance(columns, str) or not isinstance(columns, list | tuple | set):
        raise BadSuite(f"{field}: give a list of column names")
    return list(columns)


def _row_count_equal(b: RuleBuilder, kw: dict[str, Any]) -> RuleBuilder:
    return b.row_count(kw["value"], kw["value"])


EXPECTATIONS: dict[str, dict[str, Any]] = {
    "expect_column_values_to_not_be_null": _column_map("not_null"),
    "expect_column_values_to_be_null": _column_map("null"),
    "expect_column_values_to_be_between": {
        "required": ("column",),
        "optional": ("min_value", "max_value", "strict_min", "strict_max", "mostly"),
        "call": _values_between,
    },
    "expect_column_values_to_be_in_set": _in_set("in_set"),
    "expect_column_values_to_not_be_in_set": _in_set("not_in_set"),
    "expect_column_values_to_match_regex": _column_map("matches", "regex"),
    "expect_column_values_to_not_match_regex": _column_map("not_matches", "regex"),
    "expect_column_values_to_be_unique": _column_map("unique"),
    "expect_table_row_count_to_be_between": _between("row_count", column=False),
    "expect_table_row_count_to_equal": {
        "required": ("value",),
        "optional": (),
        "call": _row_count_equal,
    },
    "expect_column_mean_to_be_between": _between("mean_between"),
    "expect_column_min_to_be_between": _between("min_between"),
    "expect_column_max_to_be_between": _between("max_between"),
    "expect_column_stdev_to_be_between": _between("stddev_between"),
    "expect_column_sum_to_be_between": _between("sum_between"),
    "expect_column_proportion_of_non_null_values_to_be_between": {
        "required": ("column",),
        "optional": ("min_value", "max_value", "strict_min", "strict_max"),
        "call": _proportion,
    },
    "expect_table_columns_to_match_ordered_list": {
        "required": ("column_list",),
        "optional": (),
        "call": _ordered,
    },
    "expect_table_columns_to_match_set": {
        "required": ("column_set",),
        "optional": ("exact_match",),
        "call": _set,
    },
    "expect_column_values_to_be_of_type": {
        "required": ("column", "type_"),
        "optional": ("mostly",),
        "call": lambda b, kw: b.column_type(kw["column"], kw["type_"]),
    },
    "expect_column_to_exist": {
        "required": ("column",),
        "optional": ("column_index",),
        "call": lambda b, kw: b.exists(kw["column"], kw.get("column_index")),
    },
}
SUPPORTED = sorted(EXPECTATIONS)


def _load(suite: Any) -> dict[str, Any]:
    if hasattr(suite, "to_json_dict"):
        suite = suite.to_json_dict()
    if isinstance(suite, Path) or (
        isinstance(suite, str) and not suite.lstrip().startswith("{") and suite.endswith(".json")
    ):
        try:
            suite = Path(suite).read_text()
        except OSError as error:
            raise BadSuite(f"cannot read the suite {str(suite)!r:.200}: {error}") from None
    if isinstance(suite, str | bytes):
        try:
            suite = json.loads(suite)
        except ValueError as error:
            raise BadSuite(f"the suite is not JSON: {error}") from None
    if not isinstance(suite, Mapping):
        raise BadSuite(
            f"a suite is a dict (or its JSON) with 'expectations', not a {type(suite).__name__}"
        )
    return dict(suite)


def read_suite(suite: Any) -> list[Rule]:
    """The rules of a Great Expectations suite, every expectation checked first."""
    data = _load(suite)
    name = (
        data.get("name") or data.get("expectation_suite_name") or data.get("expectationSuiteName")
    )
    expectations = data.get("expectations")
    if not isinstance(expectations, list):
        raise BadSuite(
            f"suite {name!r}: field 'expectations': give a list of expectations "
            f"(found {type(expectations).__name__})"
        )
    parsed = [_expectation(i, e) for i, e in enumerate(expectations)]
    unsupported = [(i, t) for i, t, _, _ in parsed if t not in EXPECTATIONS]
    if unsupported:
        listed = ", ".join(f"#{i} {t}" for i, t in unsupported)
        raise UnsupportedExpectation(
            f"suite {name!r}: expectation {listed} not supported; nothing ran. Supported: "
            f"{', '.join(SUPPORTED)}"
        )
    rules: list[Rule] = []
    for index, kind, kwargs, meta in parsed:
        rules.append(_rule(index, kind, kwargs, meta))
    return rules


def _expectation(index: int, value: Any) -> tuple[int, str, dict[str, Any], Any]:
    if not isinstance(value, Mapping):
        raise BadSuite(f"expectation #{index}: give a dict with 'type' and 'kwargs'")
    kind = value.get("type") or value.get("expectation_type") or value.get("expectationType")
    if not isinstance(kind, str) or not kind:
        raise BadSuite(
            f"expectation #{index}: field 'type' (GE 1.x) or 'expectation_type' (0.18): "
            "give the expectation's name"
        )
    kwargs = value.get("kwargs", {})
    if isinstance(kwargs, str):  # Hopsworks' REST form keeps kwargs as JSON text
        try:
            kwargs = json.loads(kwargs)
        except ValueError as error:
            raise BadSuite(
                f"expectation #{index} {kind}: field 'kwargs': not JSON ({error})"
            ) from None
    if not isinstance(kwargs, Mapping):
        raise BadSuite(f"expectation #{index} {kind}: field 'kwargs': give a dict")
    meta = value.get("meta")
    if isinstance(meta, str):
        with contextlib.suppress(ValueError):
            meta = json.loads(meta)
    return index, kind, dict(kwargs), meta


def _rule(index: int, kind: str, kwargs: dict[str, Any], meta: Any) -> Rule:
    spec = EXPECTATIONS[kind]
    where = f"expectation #{index} {kind}"
    for key in kwargs:
        if key in _REFUSED_IF_SET and kwargs[key] not in (None, "", "None"):
            raise BadSuite(f"{where}: field {key!r} is not supported (rules judge every row)")
    known = set(spec["required"]) | set(spec["optional"]) | _IGNORED | _REFUSED_IF_SET
    for key in kwargs:
        if key not in known:
            fields = ", ".join(sorted(set(spec["required"]) | set(spec["optional"])))
            raise BadSuite(f"{where}: field {key!r} is not one of its fields ({fields})")
    for key in spec["required"]:
        if key not in kwargs:
            raise BadSuite(f"{where}: field {key!r} is missing")
    if "column" in kwargs and (not isinstance(kwargs["column"], str) or not kwargs["column"]):
        raise BadSuite(f"{where}: field 'column': give the column's name")
    for flag in ("strict_min", "strict_max", "exact_match"):
        if flag in kwargs and not isinstance(kwargs[flag], bool | None):
            raise BadSuite(f"{where}: field {flag!r}: give true or false")
    if "mostly" in kwargs:
        mostly = kwargs["mostly"]
        if isinstance(mostly, bool) or not isinstance(mostly, int | float) or not 0 <= mostly <= 1:
            raise BadSuite(f"{where}: field 'mostly': give a share between 0 and 1")
    for field in ("min_value", "max_value", "value"):
        if isinstance(kwargs.get(field), Mapping):
            raise BadSuite(
                f"{where}: field {field!r}: suite parameters ($PARAMETER) are not supported; "
                "give the value"
            )
    values = {k: v for k, v in kwargs.items() if k not in _IGNORED}
    if kwargs.get("strict_min") is None:
        values.pop("strict_min", None)
    if kwargs.get("strict_max") is None:
        values.pop("strict_max", None)
    builder = RuleBuilder()
    try:
        spec["call"](builder, values)
    except BadRule as error:
        message = str(error)
        raise BadSuite(f"{where}: {message}") from None
    rule = builder[-1]
    rule.source = {"expectation_type": kind, "index": index, "kwargs": kwargs}
    if meta:
        rule.source["meta"] = meta
    return rule


def to_suite(rules: Iterable[Rule], name: str = "hopsml") -> dict[str, Any]:
    """The rules that came from a suite, as GE 1.x JSON again (others are left out)."""
    return {
        "name": name,
        "expectations": [
            {
                "type": r.source["expectation_type"],
                "kwargs": r.source.get("kwargs", {}),
                "meta": r.source.get("meta") or {},
            }
            for r in rules
            if "expectation_type" in r.source
        ],
        "meta": {},
    }
