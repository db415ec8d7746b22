"""Expectation suites in one shape, whatever form they came in.

A feature group keeps its suite as the Great Expectations 0.18 JSON Hopsworks keeps
(``canonical_suite``)::

    {"expectation_suite_name": "customers", "meta": {}, "data_asset_type": None,
     "ge_cloud_id": None, "expectations": [
        {"expectation_type": "expect_column_values_to_not_be_null",
         "kwargs": {"column": "age"}, "meta": {"expectationId": 1}}]}

It reads GE 1.x JSON (``name``, ``type``), the 0.18 form, hsfs' form (camelCase:
``expectationSuiteName``, ``expectationType``, kwargs and meta as JSON text), JSON text,
a ``.json`` path, any object with ``to_json_dict()`` (a GE or hsfs suite) and, as this
project's extension, ``validation.Rules`` or their text form (each rule as the GE
expectation that checks the same; ``balanced`` and ``drift`` have none and are refused).
Every expectation is checked by ``ge.read_suite`` before the suite is answered, so a
malformed one is a ``BadSuite`` naming the expectation and the field.

>>> canonical_suite("age: not_null")["expectations"][0]["expectation_type"]
'expect_column_values_to_not_be_null'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import BadSuite
from .ge import read_suite
from .rule import Rule
from .rules import Rules

DEFAULT_NAME = "default"
STAT_EXPECTATIONS = {
    "mean": "expect_column_mean_to_be_between",
    "stddev": "expect_column_stdev_to_be_between",
    "min": "expect_column_min_to_be_between",
    "max": "expect_column_max_to_be_between",
    "sum": "expect_column_sum_to_be_between",
}
_MAP_EXPECTATIONS = {
    "not_null": "expect_column_values_to_not_be_null",
    "null": "expect_column_values_to_be_null",
    "unique": "expect_column_values_to_be_unique",
    "in_set": "expect_column_values_to_be_in_set",
    "not_in_set": "expect_column_values_to_not_be_in_set",
    "matches": "expect_column_values_to_match_regex",
    "not_matches": "expect_column_values_to_not_match_regex",
}


def _json(value: Any, where: str) -> Any:
    """A field that hsfs' REST form keeps as JSON text, decoded."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value) if value.strip() else {}
    except ValueError as error:
        raise BadSuite(f"{where}: not JSON ({error})") from None


def _bounds(rule: Rule, low: str = "min", high: str = "max") -> dict[str, Any]:
    params = rule.params
    out: dict[str, Any] = {"min_value": params.get(low), "max_value": params.get(high)}
    for flag in ("strict_min", "strict_max"):
        if params.get(flag):
            out[flag] = True
    return out


def _mostly(rule: Rule, kwargs: dict[str, Any]) -> dict[str, Any]:
    if rule.mostly != 1.0:
        kwargs["mostly"] = rule.mostly
    return kwargs


def expectations_of(rule: Rule) -> list[dict[str, Any]]:
    """The GE expectations (0.18 shape) that check what ``rule`` checks."""
    source = rule.source
    if "expectation_type" in source:  # it came from a suite: given back as it was
        meta = source.get("meta")
        return [
            {
                "expectation_type": source["expectation_type"],
                "kwargs": dict(source.get("kwargs") or {}),
                "meta": dict(meta) if isinstance(meta, Mapping) else {},
            }
        ]
    kind, column, params = rule.kind, rule.column, rule.params
    kwargs: dict[str, Any] = {} if column is None else {"column": column}
    if kind in _MAP_EXPECTATIONS:
        if kind in ("in_set", "not_in_set"):
            kwargs["value_set"] = list(params["values"])
        elif kind in ("matches", "not_matches"):
            kwargs["regex"] = params["regex"]
        found = [(_MAP_EXPECTATIONS[kind], _mostly(rule, kwargs))]
    elif kind == "between":
        found = [("expect_column_values_to_be_between", _mostly(rule, {**kwargs, **_bounds(rule)}))]
    elif kind == "completeness":
        name = "expect_column_proportion_of_non_null_values_to_be_between"
        found = [(name, {**kwargs, **_bounds(rule)})]
    elif kind == "row_count":
        found = [("expect_table_row_count_to_be_between", _bounds(rule))]
    elif kind == "stat":
        found = [(STAT_EXPECTATIONS[params["stat"]], {**kwargs, **_bounds(rule)})]
    elif kind == "type":
        found = [("expect_column_values_to_be_of_type", {**kwargs, "type_": params["type"]})]
    elif kind == "exists":
        index = params.get("index")
        found = [
            (
                "expect_column_to_exist",
                kwargs if index is None else {**kwargs, "column_index": index},
            )
        ]
    elif kind == "schema":
        found = _schema_expectations(rule)
    else:
        raise BadSuite(
            f"rule {rule.describe()} has no Great Expectations expectation, so it cannot be "
            "part of an expectation suite: check it with validation.validate(df, rules)"
        )
    return [{"expectation_type": t, "kwargs": k, "meta": {}} for t, k in found]


def _schema_expectations(rule: Rule) -> list[tuple[str, dict[str, Any]]]:
    columns: dict[str, Any] = rule.params["columns"]
    ordered, exact = rule.params["ordered"], rule.params["exact"]
    if ordered and not exact:
        raise BadSuite(
            f"rule {rule.describe()}: Great Expectations has no expectation for columns in "
            "order among others; use ordered=true with exact=true, or drop ordered"
        )
    found: list[tuple[str, dict[str, Any]]] = []
    if ordered:
        found.append(("expect_table_columns_to_match_ordered_list", {"column_list": list(columns)}))
    else:
        found.append(
            (
                "expect_table_columns_to_match_set",
                {"column_set": list(columns), "exact_match": exact},
            )
        )
    for name, type_name in columns.items():
        if type_name is not None:
            found.append(
                ("expect_column_values_to_be_of_type", {"column": name, "type_": type_name})
            )
    return found


def _from_rules(rules: Rules, name: str | None) -> dict[str, Any]:
    expectations = [e for rule in rules for e in expectations_of(rule)]
    return {"expectation_suite_name": name or DEFAULT_NAME, "expectations": expectations}


def _expectation(index: int, value: Any) -> Any:
    """One expectation in the 0.18 shape (a value that is no dict is left for
    ``read_suite`` to refuse, naming it)."""
    if not isinstance(value, Mapping):
        return value
    kind = value.get("expectation_type") or value.get("type") or value.get("expectationType")
    where = f"expectation #{index} {kind}"
    kwargs = _json(value.get("kwargs", {}), f"{where}: field 'kwargs'")
    meta = _json(value.get("meta") or {}, f"{where}: field 'meta'")
    if not isinstance(meta, Mapping):
        raise BadSuite(f"{where}: field 'meta': give a dict")
    meta = dict(meta)
    if "expectation_id" in meta and "expectationId" not in meta:  # a decamelized hsfs dict
        meta["expectationId"] = meta.pop("expectation_id")
    given = value.get("id")
    if isinstance(given, int) and not isinstance(given, bool) and "expectationId" not in meta:
        meta["expectationId"] = given  # hsfs keeps the id on the expectation too
    return {"expectation_type": kind, "kwargs": kwargs, "meta": meta}


def _load(suite: Any) -> Any:
    if isinstance(suite, Rules):
        return suite
    if hasattr(suite, "to_json_dict") and not isinstance(suite, Mapping):
        return suite.to_json_dict()
    if isinstance(suite, Path):
        suite = str(suite)
    if isinstance(suite, bytes):
        suite = suite.decode()
    if isinstance(suite, str):
        text = suite.strip()
        if text.startswith("{"):
            return _json(text, "the suite")
        if text.endswith(".json"):
            try:
                return _json(Path(text).read_text(), f"suite file {text!r:.200}")
            except OSError as error:
                raise BadSuite(f"cannot read the suite {text!r:.200}: {error}") from None
        return Rules(text)  # the text form of rules
    if isinstance(suite, list | tuple) and all(isinstance(r, Rule) for r in suite):
        return Rules(suite)
    return suite


def canonical_suite(suite: Any, name: str | None = None) -> dict[str, Any]:
    """``suite`` (any form the module names) as the 0.18 JSON feature groups keep,
    every expectation checked; ``name`` when the suite has none."""
    data = _load(suite)
    if isinstance(data, Rules):
        data = _from_rules(data, name)
    if not isinstance(data, Mapping):
        raise BadSuite(
            "an expectation suite is a Great Expectations suite (a dict, its JSON, a .json "
            "path or a suite object), an hsfs ExpectationSuite, or validation.Rules / their "
            f"text form; not a {type(suite).__name__}"
        )
    found_name = (
        data.get("expectation_suite_name")
        or data.get("expectationSuiteName")
        or data.get("name")
        or name
        or DEFAULT_NAME
    )
    expectations = data.get("expectations")
    if isinstance(expectations, list):
        expectations = [_expectation(i, e) for i, e in enumerate(expectations)]
    meta = _json(data.get("meta") or {}, f"suite {found_name!r}: field 'meta'")
    if not isinstance(meta, Mapping):
        raise BadSuite(f"suite {found_name!r}: field 'meta': give a dict")
    out = {
        "expectation_suite_name": str(found_name),
        "expectations": expectations,
        "meta": dict(meta),
        "data_asset_type": data.get("data_asset_type", data.get("dataAssetType")),
        "ge_cloud_id": data.get("ge_cloud_id", data.get("geCloudId")),
    }
    read_suite(out)  # every expectation checked: BadSuite names the one and its field
    return out


def suite_settings(suite: Any) -> dict[str, Any]:
    """``run_validation`` and ``validation_ingestion_policy`` a suite carries (hsfs'
    suite objects and their JSON do), as far as it carries them."""
    data = suite.to_json_dict() if hasattr(suite, "to_json_dict") else suite
    if isinstance(data, str) and data.strip().startswith("{"):
        data = _json(data, "the suite")
    if not isinstance(data, Mapping):
        return {}
    out: dict[str, Any] = {}
    for key in ("run_validation", "runValidation"):
        if isinstance(data.get(key), bool):
            out["run_validation"] = data[key]
    for key in ("validation_ingestion_policy", "validationIngestionPolicy"):
        if isinstance(data.get(key), str):
            out["validation_ingestion_policy"] = data[key]
    return out


def ge1_suite(suite: Mapping[str, Any]) -> dict[str, Any]:
    """A canonical suite as the JSON Great Expectations 1.x writes."""
    return {
        "name": suite["expectation_suite_name"],
        "expectations": [
            {"type": e["expectation_type"], "kwargs": e["kwargs"], "meta": e["meta"]}
            for e in suite["expectations"]
        ],
        "meta": dict(suite.get("meta") or {}),
        "notes": None,
    }
