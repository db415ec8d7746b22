"""Transformation functions: the built-ins against brute-force formulas, user udfs (one and
several outputs, drop, context, statistics), hsfs' output names, the same values from
``apply`` and ``apply_row``, storage through JSON into a fresh process, the feature store's
saved functions, and the errors."""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hopsml_lab.featurestore.errors import BadFeatureInput, FeatureStoreException
from hopsml_lab.featurestore.transformations import engine as T
from hopsml_lab.hsfs import builtin_transformations as bt
from hopsml_lab.hsfs.hopsworks_udf import HopsworksUdf, udf
from hopsml_lab.hsfs.transformation_function import TransformationFunction, TransformationType
from hopsml_lab.hsfs.transformation_statistics import TransformationStatistics

# --- udfs used below (module level: their source is read from this file) ------------------


@udf(float)
def add_one(value):
    return value + 1


@udf([float, float], drop=["a"])
def sum_and_difference(a, b):
    return a + b, a - b


@udf([float, float], mode="pandas")
def split_frame(a):
    return pd.DataFrame({"x": a * 2, "y": a * 3})


@udf(float, mode="python")
def discounted(price, context):
    return price * (1 - context.get("discount", 0.0))


value_statistics = TransformationStatistics("value")


@udf(float, drop="value")
def zscore(value, statistics=value_statistics):
    return (value - statistics.value.mean) / statistics.value.std_dev


@udf(str, mode="python")
def bucket(amount):
    import math

    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return None
    return "big" if amount > 10 else "small"


@udf(float)
def amount(amount):
    """Named like its feature: writes over it."""
    return amount * 10


# --- data and brute force ------------------------------------------------------------------


def _frame(n: int = 120, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "id": np.arange(n, dtype="int64"),
            "amount": rng.normal(20.0, 6.0, n).round(3),
            "qty": rng.integers(1, 9, n).astype("int64"),
            "city": rng.choice(
                ["oslo", "rome", "lima", "kyiv", "baku"], n, p=[0.4, 0.3, 0.15, 0.1, 0.05]
            ),
            "pos": rng.lognormal(1.0, 1.0, n),
        }
    )
    frame["city"] = frame["city"].astype(object)
    frame.loc[[4, 17, 33], "amount"] = np.nan
    frame.loc[[8, 9], "city"] = None
    frame.loc[[12], "pos"] = -1.0
    return frame


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train split, and a test split with unseen categories and out-of-range values."""
    frame = _frame()
    train = frame.iloc[:90].reset_index(drop=True)
    test = frame.iloc[90:].copy()
    extra = pd.DataFrame(
        {
            "id": [1000, 1001, 1002],
            "amount": [1e6, -1e6, np.nan],
            "qty": [100, -5, 3],
            "city": ["paris", None, "oslo"],
            "pos": [0.0, 1e9, np.nan],
        }
    )
    return train, pd.concat([test, extra], ignore_index=True)


def _present(values: list[Any]) -> list[float]:
    return [float(v) for v in values if not _missing(v)]


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _quantile(values: list[float], q: float) -> float:
    a = sorted(values)
    pos = q * (len(a) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(a) - 1)
    return a[lo] + (a[hi] - a[lo]) * (pos - lo)


def _percentiles(values: list[float]) -> list[float]:
    return [_quantile(values, (i + 1) / 100) for i in range(100)]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _std(values: list[float]) -> float:
    m = _mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def _close(a: Any, b: Any) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(a, (float, int, np.number)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _same(a: Any, b: Any) -> bool:
    """Equal values (exactly), a missing one on each side counting as equal."""
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    return bool(a == b)


def _run(items: list[Any], train: pd.DataFrame, frame: pd.DataFrame, context=None):
    bound = T.bind(items, list(frame.columns))
    fitted = T.fit(bound, train)
    return bound, fitted, T.apply(bound, frame, fitted, context)


def _rows_match(bound, frame, fitted, out, context=None) -> None:
    """apply_row on every row gives what apply gave, keys in the same order."""
    for i, row in enumerate(frame.to_dict("records")):
        one = T.apply_row(bound, row, fitted, context)
        assert list(one) == list(out.columns), (list(one), list(out.columns))
        for column in out.columns:
            expected = out[column].iloc[i]
            assert _same(one[column], expected), (column, row, one[column], expected)
    # and apply on a one-row frame gives the same again
    single = T.apply(bound, frame.iloc[[0]], fitted, context)
    first = T.apply_row(bound, frame.iloc[0].to_dict(), fitted, context)
    assert all(_same(first[c], single[c].iloc[0]) for c in single.columns)


# --- import paths and names ----------------------------------------------------------------


def test_import_paths() -> None:
    from hopsml_lab import hopsworks
    from hopsml_lab.hsfs.builtin_transformations import min_max_scaler
    from hopsml_lab.hsfs.hopsworks_udf import udf as hsfs_udf
    from hopsml_lab.hsfs.transformation_statistics import (
        TransformationStatistics as Stats,
    )

    assert hopsworks.udf is hsfs_udf
    assert isinstance(min_max_scaler, HopsworksUdf)
    assert Stats("a").a.min is None
    assert sorted(bt.__all__) == sorted(
        [
            "min_max_scaler", "standard_scaler", "robust_scaler", "label_encoder",
            "one_hot_encoder", "log_transform", "quantile_transformer", "rank_normalizer",
            "winsorize", "equal_width_binner", "equal_frequency_binner", "quantile_binner",
            "top_k_categorical_binner", "impute_mean", "impute_median", "impute_constant",
            "impute_mode", "impute_category",
        ]
    )  # fmt: skip


def test_udf_metadata_as_hsfs_keeps_it() -> None:
    assert bt.min_max_scaler.return_types == ["double"]
    assert bt.label_encoder.return_types == ["bigint"]
    assert bt.one_hot_encoder.execution_mode.value == "pandas"
    assert bt.min_max_scaler.execution_mode.value == "default"
    assert bt.min_max_scaler.statistics_features == ["feature"]
    bound = bt.min_max_scaler("amount")
    assert repr(bound) == "min_max_scaler(amount)"
    assert bound.transformation_features == ["amount"]
    assert bound.dropped_features == ["amount"]
    assert bound.statistics_features == ["amount"]
    assert bt.min_max_scaler.transformation_features == ["feature"]  # the original is kept
    assert sum_and_difference.return_types == ["double", "double"]
    assert sum_and_difference("x", "y").dropped_features == ["x"]
    assert zscore.statistics_features == ["value"]
    assert bucket.execution_mode.value == "python"


def test_output_names_follow_hsfs(data) -> None:
    train, _ = data
    features = list(train.columns)
    bound = T.bind(
        [bt.min_max_scaler("amount"), sum_and_difference("amount", "qty"), add_one("qty")],
        features,
    )
    # sorted by first output name, then in dependency order
    assert [b.name for b in bound] == ["add_one", "min_max_scaler", "sum_and_difference"]
    assert [b.outputs() for b in bound] == [
        ["add_one_qty_"],
        ["min_max_scaler_amount_"],
        ["sum_and_difference_amount_qty_0", "sum_and_difference_amount_qty_1"],
    ]
    fitted = T.fit(bound, train)
    names = T.output_names(bound, features, fitted)
    # amount dropped (by both), qty kept (add_one drops nothing)
    assert names == [
        "id", "qty", "city", "pos", "add_one_qty_", "min_max_scaler_amount_",
        "sum_and_difference_amount_qty_0", "sum_and_difference_amount_qty_1",
    ]  # fmt: skip
    assert list(T.apply(bound, train, fitted).columns) == names
    # a function named like its feature writes over it, which moves to the end
    over = T.bind([amount("amount")], features)
    assert over[0].outputs() == ["amount"]
    assert list(T.apply(over, train, {}).columns) == ["id", "qty", "city", "pos", "amount"]
    # hsfs 3.x's {feature: function} form is read too
    assert T.bind({"amount": bt.min_max_scaler}, features)[0].outputs() == [
        "min_max_scaler_amount_"
    ]
    # alias
    aliased = T.bind([bt.min_max_scaler("amount").alias("scaled")], features)
    assert aliased[0].outputs() == ["scaled"]
    assert T.bind([split_frame("pos").alias("p2", "p3")], features)[0].outputs() == ["p2", "p3"]
    # one-hot: one column per training category, sorted
    hot = T.bind([bt.one_hot_encoder("city")], features)
    assert hot[0].outputs() == ["one_hot_encoder_city_"]
    fitted = T.fit(hot, train)
    assert hot[0].outputs(fitted) == [f"one_hot_encoder_city_{i}" for i in range(5)]
    T.attach_statistics(hot, fitted)  # as hsfs shows a fitted view's functions
    assert hot[0].function.transformation_statistics.feature.unique_values[0] == "baku"
    assert hot[0].function.output_column_names == hot[0].outputs(fitted)
    # on-demand names and long names
    on_demand = T.bind(
        [add_one("qty"), sum_and_difference("amount", "qty")], features, on_demand=True
    )
    assert [b.outputs() for b in on_demand] == [
        ["add_one"],
        ["sum_and_difference_0", "sum_and_difference_1"],
    ]
    long = "f" * 70
    names = T.bind([add_one(long)], [long])[0].outputs()
    assert names == [f"add_one_{long}_"[:63]]


# --- statistics ----------------------------------------------------------------------------


def test_fit_uses_the_training_split_only(data) -> None:
    train, test = data
    bound = T.bind(
        [bt.standard_scaler("amount"), bt.label_encoder("city"), bt.robust_scaler("qty")],
        list(train.columns),
    )
    fitted = T.fit(bound, train)
    assert json.loads(json.dumps(fitted)) == fitted
    values = _present(train["amount"].tolist())
    amount_stats = fitted["amount"]
    assert amount_stats["min"] == min(values) and amount_stats["max"] == max(values)
    assert amount_stats["mean"] == pytest.approx(_mean(values), rel=1e-12)
    assert amount_stats["std_dev"] == pytest.approx(_std(values), rel=1e-12)
    assert amount_stats["percentiles"] == pytest.approx(_percentiles(values), rel=1e-12)
    assert amount_stats["count"] == 90 and amount_stats["num_null_values"] == 3
    cities = sorted({c for c in train["city"] if c is not None})
    assert fitted["city"]["extended_statistics"]["unique_values"] == cities
    histogram = fitted["city"]["extended_statistics"]["histogram"]
    counts = train["city"].value_counts()
    assert {h["value"]: h["count"] for h in histogram} == counts.to_dict()
    assert [h["count"] for h in histogram] == sorted(counts.tolist(), reverse=True)
    # test rows out of the training range stay out of it
    out = T.apply(bound, test, fitted)
    big = out.loc[test["amount"] == 1e6, "standard_scaler_amount_"].iloc[0]
    assert big == pytest.approx((1e6 - _mean(values)) / _std(values))


def test_fit_of_chained_transformations(data) -> None:
    """A scaler on an imputer's output is fitted on the imputed values."""
    train, test = data
    bound = T.bind(
        [bt.min_max_scaler("impute_mean_amount_"), bt.impute_mean("amount")], list(train.columns)
    )
    assert [b.name for b in bound] == ["impute_mean", "min_max_scaler"]
    fitted = T.fit(bound, train)
    values = _present(train["amount"].tolist())
    imputed = [v if not _missing(v) else _mean(values) for v in train["amount"].tolist()]
    assert fitted["impute_mean_amount_"]["count"] == 90
    assert fitted["impute_mean_amount_"]["num_null_values"] == 0
    assert fitted["impute_mean_amount_"]["mean"] == pytest.approx(_mean(imputed))
    out = T.apply(bound, test, fitted)
    # amount is dropped by the imputer, the intermediate by the scaler
    assert "amount" not in out.columns and "impute_mean_amount_" not in out.columns
    low, high = min(imputed), max(imputed)
    for value, scaled in zip(
        test["amount"], out["min_max_scaler_impute_mean_amount__"], strict=True
    ):
        v = _mean(values) if _missing(value) else value
        assert _close(scaled, (v - low) / (high - low))
    _rows_match(bound, test, fitted, out)


# --- the built-ins against brute force -----------------------------------------------------


def _stats(train: pd.DataFrame, column: str) -> dict[str, Any]:
    values = _present(train[column].tolist())
    return {
        "min": min(values),
        "max": max(values),
        "mean": _mean(values),
        "std": _std(values),
        "p": _percentiles(values),
    }


def _bins(edges: list[float], v: float) -> int:
    """The bin of v with intervals (e_i, e_i+1], the first closed."""
    for i in range(len(edges) - 1):
        if v <= edges[i + 1]:
            return i
    return len(edges) - 2


def _width_edges(s: dict[str, Any], c: dict[str, Any]) -> list[float]:
    n = c.get("n_bins", 10)
    inner = [s["min"] + (s["max"] - s["min"]) * i / n for i in range(1, n)]
    return [-math.inf, *inner, math.inf]


def _quartile_edges(s: dict[str, Any]) -> list[float]:
    return [-math.inf, s["p"][24], s["p"][49], s["p"][74], math.inf]


def _winsorized(v: float, s: dict[str, Any], c: dict[str, Any]) -> float:
    return min(max(v, s["p"][c.get("p_low", 1)]), s["p"][c.get("p_high", 99)])


NUMERIC = {
    "min_max_scaler": lambda v, s, c: (v - s["min"]) / (s["max"] - s["min"]),
    "standard_scaler": lambda v, s, c: (v - s["mean"]) / s["std"],
    "robust_scaler": lambda v, s, c: (v - s["p"][49]) / (s["p"][74] - s["p"][24]),
    "log_transform": lambda v, s, c: math.log(v) if v > 0 else None,
    "quantile_transformer": lambda v, s, c: _interp(v, s["p"]),
    "rank_normalizer": lambda v, s, c: sum(1 for p in s["p"] if p <= v) / 100,
    "winsorize": _winsorized,
    "equal_width_binner": lambda v, s, c: _bins(_width_edges(s, c), v),
    "equal_frequency_binner": lambda v, s, c: _bins(_quartile_edges(s), v),
    "quantile_binner": lambda v, s, c: _bins(_quartile_edges(s), v),
    "impute_mean": lambda v, s, c: v,
    "impute_median": lambda v, s, c: v,
    "impute_constant": lambda v, s, c: v,
}
FILL = {
    "impute_mean": lambda s, c: s["mean"],
    "impute_median": lambda s, c: s["p"][49],
    "impute_constant": lambda s, c: c.get("value", 0.0),
}


def _interp(v: float, p: list[float]) -> float:
    """Piecewise-linear map of the percentiles onto 0..1 (repeated percentiles merged)."""
    points = []
    for i, value in enumerate(p):
        if not points or value > points[-1][0]:
            points.append((value, i / (len(p) - 1)))
    if v <= points[0][0]:
        return points[0][1]
    if v >= points[-1][0]:
        return points[-1][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= v <= x1:
            return y0 + (y1 - y0) * (v - x0) / (x1 - x0)
    raise AssertionError


@pytest.mark.parametrize("name", sorted(NUMERIC))
@pytest.mark.parametrize("context", [None, {"n_bins": 4, "p_low": 5, "p_high": 90, "value": -7.5}])
def test_numeric_builtins(data, name: str, context) -> None:
    train, test = data
    column = "pos" if name == "log_transform" else "amount"
    function = getattr(bt, name)(column)
    bound, fitted, out = _run([function], train, test, context)
    s = _stats(train, column)
    c = context or {}
    result = out[f"{name}_{column}_"].tolist()
    for value, got in zip(test[column].tolist(), result, strict=True):
        if _missing(value):
            expected = FILL[name](s, c) if name in FILL else None
        else:
            expected = NUMERIC[name](value, s, c)
        assert _close(got, expected), (name, value, got, expected)
    assert column not in out.columns  # every built-in drops its input
    _rows_match(bound, test, fitted, out, context)


def test_encoders(data) -> None:
    train, test = data
    categories = sorted({c for c in train["city"] if not _missing(c)})
    bound, fitted, out = _run([bt.label_encoder("city"), bt.one_hot_encoder("city")], train, test)
    assert str(out["label_encoder_city_"].dtype) == "Int64"
    for i, value in enumerate(test["city"].tolist()):
        code = out["label_encoder_city_"].iloc[i]
        hot = [bool(out[f"one_hot_encoder_city_{k}"].iloc[i]) for k in range(len(categories))]
        if _missing(value):
            assert code is pd.NA and not any(hot)
        elif value not in categories:  # unseen: -1 and all False
            assert code == -1 and not any(hot)
        else:
            assert code == categories.index(value)
            assert hot == [value == c for c in categories]
    _rows_match(bound, test, fitted, out)


def test_categorical_builtins(data) -> None:
    train, test = data
    counts = train["city"].value_counts()
    mode = counts.index[0]
    context = {"top_n": 2, "other_label": "rare", "value": "none"}
    bound, fitted, out = _run(
        [bt.top_k_categorical_binner("city"), bt.impute_category("city")], train, test, context
    )
    top = set(counts.index[:2])
    for value, binned, filled in zip(
        test["city"],
        out["top_k_categorical_binner_city_"],
        out["impute_category_city_"],
        strict=True,
    ):
        if _missing(value):
            assert _missing(binned) and filled == "none"
        else:
            assert binned == (value if value in top else "rare") and filled == value
    _rows_match(bound, test, fitted, out, context)
    bound, fitted, out = _run([bt.impute_mode("city")], train, test)
    assert out["impute_mode_city_"].tolist() == [mode if _missing(v) else v for v in test["city"]]
    _rows_match(bound, test, fitted, out)
    # without a context: hsfs' defaults
    bound, fitted, out = _run([bt.impute_category("city")], train, test)
    assert "__MISSING__" in out["impute_category_city_"].tolist()


def test_scalers_with_zero_range_and_no_statistics() -> None:
    train = pd.DataFrame({"c": [5.0, 5.0, 5.0], "k": ["a", "a", "a"]})
    frame = pd.DataFrame({"c": [5.0, 7.0, np.nan], "k": ["a", "b", None]})
    items = [
        bt.min_max_scaler("c"), bt.standard_scaler("c"), bt.robust_scaler("c"),
        bt.equal_width_binner("c"), bt.quantile_transformer("c"), bt.equal_frequency_binner("c"),
    ]  # fmt: skip
    bound, fitted, out = _run(items, train, frame)
    assert out["min_max_scaler_c_"].tolist()[:2] == [0.0, 2.0]  # only shifted
    assert out["standard_scaler_c_"].tolist()[:2] == [0.0, 2.0]  # std 0: only centred
    assert out["robust_scaler_c_"].tolist()[:2] == [0.0, 2.0]
    assert out["equal_width_binner_c_"].tolist()[:2] == [0, 0]
    assert out["quantile_transformer_c_"].tolist()[:2] == [0.5, 0.5]
    assert out["equal_frequency_binner_c_"].tolist()[:2] == [0, 1]
    _rows_match(bound, frame, fitted, out)
    # one training row: no standard deviation -> only centred
    bound, fitted, out = _run([bt.standard_scaler("c")], train.iloc[:1], frame)
    assert fitted["c"]["std_dev"] is None
    assert out["standard_scaler_c_"].tolist()[:2] == [0.0, 2.0]
    _rows_match(bound, frame, fitted, out)


# --- user udfs -----------------------------------------------------------------------------


def test_udfs_one_and_several_outputs_drop_and_modes(data) -> None:
    train, test = data
    items = [
        add_one("qty"), sum_and_difference("amount", "qty"), split_frame("pos"), bucket("amount"),
    ]  # fmt: skip
    bound, fitted, out = _run(items, train, test)
    assert fitted == {}
    assert out["add_one_qty_"].tolist() == [q + 1 for q in test["qty"]]
    for a, b, s, d in zip(
        test["amount"], test["qty"], out["sum_and_difference_amount_qty_0"],
        out["sum_and_difference_amount_qty_1"], strict=True,
    ):  # fmt: skip
        assert _close(s, a + b) and _close(d, a - b)
    assert out["split_frame_pos_0"].tolist() == pytest.approx(
        (test["pos"] * 2).tolist(), nan_ok=True
    )
    assert out["split_frame_pos_1"].tolist() == pytest.approx(
        (test["pos"] * 3).tolist(), nan_ok=True
    )
    assert set(out["bucket_amount_"].dropna()) == {"big", "small"}
    assert "amount" not in out.columns and "qty" in out.columns and "pos" in out.columns
    _rows_match(bound, test, fitted, out)


def test_context_and_statistics_arguments(data) -> None:
    train, test = data
    priced = discounted("amount")
    priced.transformation_context = {"discount": 0.5}
    bound, fitted, out = _run([priced, zscore("qty")], train, test)
    assert _close(out["discounted_amount_"].iloc[0], test["amount"].iloc[0] * 0.5)
    qty = [float(q) for q in train["qty"]]
    expected = [(q - _mean(qty)) / _std(qty) for q in test["qty"]]
    assert out["zscore_qty_"].tolist() == pytest.approx(expected)
    assert "qty" not in out.columns
    _rows_match(bound, test, fitted, out)
    # a context passed with the call replaces the udf's own
    out = T.apply(bound, test, fitted, {"discount": 0.25})
    assert _close(out["discounted_amount_"].iloc[0], test["amount"].iloc[0] * 0.75)
    row = T.apply_row(bound, test.iloc[0].to_dict(), fitted, {"discount": 0.25})
    assert _close(row["discounted_amount_"], test["amount"].iloc[0] * 0.75)
    # the context travels with the stored transformations
    again = T.from_json(json.loads(json.dumps(T.to_json(bound))))
    assert _close(
        T.apply(again, test, fitted)["discounted_amount_"].iloc[0], test["amount"].iloc[0] * 0.5
    )
    # builtin context set on the udf object
    binner = bt.equal_width_binner("amount")
    binner.transformation_context = {"n_bins": 3}
    bound, fitted, out = _run([binner], train, test)
    assert set(out["equal_width_binner_amount_"].dropna()) <= {0, 1, 2}


def test_executor_as_hsfs_documents() -> None:
    result = zscore.executor(statistics={"value": {"mean": 100.0, "std_dev": 25.0}}).execute(
        pd.Series([100.0, 125.0, 150.0])
    )
    assert result.tolist() == [0.0, 1.0, 2.0]
    assert add_one.execute(pd.Series([1.0, 2.0])).tolist() == [2.0, 3.0]
    assert add_one.executor(online=True).execute(5.0) == 6.0
    assert discounted.executor(context={"discount": 0.1}).execute(100.0) == pytest.approx(90.0)
    tf = TransformationFunction(
        1, add_one("value"), transformation_type=TransformationType.ON_DEMAND
    )
    assert tf.execute(pd.Series([1.0])).tolist() == [2.0]
    assert tf.output_column_names == ["add_one"]
    assert repr(tf) == "On-Demand Transformation Function : add_one(value)"


# --- storage -------------------------------------------------------------------------------

_MODULE = """
import numpy as np
import pandas as pd
from hopsml_lab.hopsworks import udf
from hopsml_lab.hsfs.transformation_statistics import TransformationStatistics

RATE = 3.0


@udf([float, str], drop=["x"], mode="pandas")
def notebook_udf(x, y, statistics=TransformationStatistics("x"), context=None):
    scale = (context or {}).get("scale", 1.0)
    return (x - statistics.x.mean) * scale * 3.0, y.astype(str) + "!"


@udf(float)
def uses_a_global(x):
    return x * RATE
"""

_FRESH = """
import json, sys
import pandas as pd
from hopsml_lab.featurestore.transformations import engine as T
stored, fitted, frame = json.load(open(sys.argv[1]))
bound = T.from_json(stored)
frame = pd.DataFrame(frame)
out = T.apply(bound, frame, fitted, {"scale": 2.0})
rows = [T.apply_row(bound, r, fitted, {"scale": 2.0}) for r in frame.to_dict("records")]
print(json.dumps({"frame": out.to_dict("list"), "rows": rows, "columns": list(out.columns)}))
"""


def _load_module(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_json_round_trip_in_a_fresh_process(tmp_path: Path) -> None:
    path = tmp_path / "cell.py"
    path.write_text(_MODULE)
    module = _load_module(path, "cell_module")
    frame = pd.DataFrame({"a": [1.0, 2.0, 6.0], "b": [1, 2, 3], "k": ["p", "q", "r"]})
    bound = T.bind([module.notebook_udf("a", "b"), bt.label_encoder("k")], list(frame.columns))
    fitted = T.fit(bound, frame)
    stored = T.to_json(bound)
    assert "def notebook_udf" in stored[1]["hopsworksUdf"]["sourceCode"]
    expected = T.apply(bound, frame, fitted, {"scale": 2.0})
    assert list(expected.columns) == [
        "b", "label_encoder_k_", "notebook_udf_a_b_0", "notebook_udf_a_b_1"
    ]  # fmt: skip
    assert expected["notebook_udf_a_b_0"].tolist() == [-12.0, -6.0, 18.0]  # (a - 3) * 2 * 3
    assert expected["notebook_udf_a_b_1"].tolist() == ["1!", "2!", "3!"]
    path.unlink()  # the source now only lives in the stored JSON
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps([stored, fitted, frame.to_dict("list")]))
    script = tmp_path / "fresh.py"
    script.write_text(_FRESH)
    done = subprocess.run(
        [sys.executable, str(script), str(payload)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["columns"] == list(expected.columns)
    for column in expected.columns:
        assert result["frame"][column] == expected[column].tolist()
        assert [r[column] for r in result["rows"]] == expected[column].tolist()


def test_a_udf_sees_its_imports_and_main_only(tmp_path: Path) -> None:
    """As in hsfs, a udf runs from its source with its file's imports and ``__main__``'s
    globals: another global of its module is not there, and the error says so."""
    path = tmp_path / "cell2.py"
    path.write_text(_MODULE)
    module = _load_module(path, "cell_module2")
    bound = T.bind([module.uses_a_global("a")], ["a"])
    with pytest.raises(BadFeatureInput, match=r"'RATE'.*define or import it inside"):
        T.apply(bound, pd.DataFrame({"a": [1.0]}), {})
    with pytest.raises(BadFeatureInput, match="'RATE'"):
        T.apply_row(bound, {"a": 1.0}, {})


@pytest.fixture
def lab_store(tmp_path: Path) -> Iterator[None]:
    from hopsml_lab.lab import Lab, set_lab
    from hopsml_lab.settings import Settings

    root = tmp_path / "project"
    root.mkdir()
    set_lab(Lab(Settings(project_root=str(root))))
    yield
    set_lab(None)


def test_feature_store_saves_transformation_functions(lab_store) -> None:
    from hopsml_lab import hopsworks
    from hopsml_lab.lab import Lab, get_lab, set_lab

    fs = hopsworks.login().get_feature_store()
    builtins = fs.get_transformation_functions()
    assert [f.hopsworks_udf.function_name for f in builtins] == bt.__all__
    scaler = fs.get_transformation_function(name="min_max_scaler")
    assert isinstance(scaler, TransformationFunction) and scaler.version == 1
    assert fs.get_transformation_function("nothing") is None
    meta = fs.create_transformation_function(transformation_function=add_one, version=None)
    assert meta.version is None
    meta.save()
    assert meta.version == 1 and meta.id is not None
    fs.create_transformation_function(add_one, version=3).save()
    with pytest.raises(FeatureStoreException, match="exists already"):
        fs.create_transformation_function(add_one, version=3).save()
    # another process: a new Lab on the same project reads them back
    set_lab(Lab(get_lab().settings))
    both = fs.get_transformation_function("add_one")
    assert [f.version for f in both] == [1, 3]
    one = fs.get_transformation_function("add_one", version=3)
    bound = T.bind([one("qty")], ["qty"])
    assert T.apply(bound, pd.DataFrame({"qty": [1, 2]}), {})["add_one_qty_"].tolist() == [2, 3]
    assert len(fs.get_transformation_functions()) == len(bt.__all__) + 2
    one.delete()
    assert fs.get_transformation_function("add_one", version=3) is None
    with pytest.raises(FeatureStoreException, match="built-in"):
        scaler.delete()


# --- errors --------------------------------------------------------------------------------


def test_clear_errors(data) -> None:
    train, _ = data
    features = list(train.columns)

    def fails(match: str, call) -> None:
        with pytest.raises(BadFeatureInput, match=match):
            call()

    fails("does not have", lambda: T.bind([bt.min_max_scaler("nope")], features))
    fails(r"min_max_scaler\('id'\)", lambda: T.bind([bt.min_max_scaler], features))
    fails("produced by both", lambda: T.bind([add_one("qty"), add_one("qty")], features))
    fails(
        "produced by both",
        lambda: T.bind(
            [add_one("qty").alias("x"), bt.min_max_scaler("amount").alias("x")], features
        ),
    )
    fails("item 1 is a str", lambda: T.bind([add_one("qty"), "min_max_scaler"], features))
    fails("list of udfs", lambda: T.bind("min_max_scaler", features))
    fails("Cyclic", lambda: T.bind([add_one("b").alias("a"), add_one("a").alias("b")], ["x"]))
    fails("takes 1 feature", lambda: bt.min_max_scaler("a", "b"))
    fails("must be string", lambda: bt.min_max_scaler(3))
    fails("Cannot drop features 'c'", lambda: udf(float, drop=["c"])(lambda_free))
    fails("not supported", lambda: udf(list)(lambda_free))
    fails("execution mode", lambda: udf(float, mode="spark")(lambda_free))
    fails("statistics parameter 'z'", lambda: udf(float)(stats_mismatch))
    fails("number of output feature names", lambda: add_one("qty").alias("a", "b"))
    fails("Duplicate output", lambda: sum_and_difference("a", "b").alias("x", "x"))
    fails(
        "cannot use statistics",
        lambda: T.bind([bt.min_max_scaler("amount")], features, on_demand=True),
    )
    bound = T.bind([bt.min_max_scaler("amount")], features)
    fails("No fitted statistics for 'amount'", lambda: T.apply(bound, train, {}))
    fails("`amount`", lambda: T.apply(bound, train.drop(columns=["amount"]), T.fit(bound, train)))
    fails("`amount`", lambda: T.apply_row(bound, {"qty": 1}, T.fit(bound, train)))
    fails("dictionary", lambda: T.apply(bound, train, T.fit(bound, train), context=[1]))
    fails("training split is empty", lambda: T.fit(bound, train.iloc[:0]))
    mixed = pd.DataFrame({"m": ["a", 1, "b"]})
    fails("mixes values", lambda: T.fit(T.bind([bt.label_encoder("m")], ["m"]), mixed))
    assert issubclass(T.TransformationFunctionException, FeatureStoreException)


def lambda_free(a, b):
    return a


z_statistics = TransformationStatistics("z")


def stats_mismatch(a, statistics=z_statistics):
    return a


def test_udf_without_source_is_refused_at_bind() -> None:
    namespace: dict[str, Any] = {"udf": udf}
    exec(textwrap.dedent("""
        @udf(float)
        def typed_in(x):
            return x * 2
    """), namespace)  # fmt: skip
    made = namespace["typed_in"]
    assert made.execute(pd.Series([1.0])).tolist() == [2.0]  # runs in this process
    with pytest.raises(BadFeatureInput, match=r"source code .* cannot be read"):
        T.bind([made("x")], ["x"])


def test_apply_row_is_fast(data) -> None:
    import time

    train, test = data
    items = [
        bt.min_max_scaler("amount"), bt.label_encoder("city"), bt.one_hot_encoder("city"),
        bt.standard_scaler("qty"), add_one("pos"),
    ]  # fmt: skip
    bound = T.bind(items, list(train.columns))
    fitted = T.fit(bound, train)
    row = test.iloc[0].to_dict()
    for _ in range(200):
        T.apply_row(bound, row, fitted)
    times = []
    for _ in range(2000):
        start = time.perf_counter()
        T.apply_row(bound, row, fitted)
        times.append(time.perf_counter() - start)
    times.sort()
    assert times[int(len(times) * 0.99)] < 1e-3
