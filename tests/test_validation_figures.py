"""The overview (facets-style per-column statistics, histograms, correlations), the
figures drawn from a report, and sparkmagic's autoviz widget without Livy.

The overview is checked against a brute-force pandas computation on data with planted
nulls, zeros, class shares and a perfectly correlated pair, and Spark against DuckDB on
the same data; the figures are drawn from a report and from its JSON and must match,
and show the planted facts."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pytest

from hopsml_lab import validation as v
from hopsml_lab.engine.spark import SparkEngine

N = 400
NULL_X = 40  # rows 0..39: x is missing (10%)
ZERO_X = 20  # rows 40..59: x is 0 (5% of rows)
K_COUNTS = {0: 150, 1: 100, 2: 80, 4: 70}  # no 3: its bin is empty
LABEL_ONES = 100  # 25% of the rows
CITY_COUNTS = {"A": 200, "B": 120, "C": 60}  # and 20 missing
PROBS = [0.05, 0.25, 0.5, 0.75, 0.95]


def planted(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(5.0, 2.0, N)
    x[:NULL_X] = np.nan
    x[NULL_X : NULL_X + ZERO_X] = 0.0
    a = rng.normal(0.0, 1.0, N)
    k = np.concatenate([np.full(c, value) for value, c in K_COUNTS.items()])
    city = [c for c, count in CITY_COUNTS.items() for _ in range(count)] + [None] * 20
    return pd.DataFrame(
        {
            "x": x,
            "k": rng.permutation(k).astype("int64"),
            "label": rng.permutation([1] * LABEL_ONES + [0] * (N - LABEL_ONES)).astype("int64"),
            "a": a,
            "b": 3.0 * a + 1.0,  # perfectly correlated with a
            "city": pd.Series(rng.permutation(np.array(city, dtype=object)), dtype=object),
            "flag": np.arange(N) % 4 != 0,
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(N), unit="h"),
        }
    )


def brute(df: pd.DataFrame, bins: int = 20) -> dict[str, dict[str, Any]]:
    """The overview's numbers, computed row by row in pandas/numpy."""
    out = {}
    for name in df.columns:
        s = df[name]
        values = s.dropna()
        got: dict[str, Any] = {
            "count": len(s),
            "num_non_null_values": len(values),
            "num_null_values": int(s.isna().sum()),
            "null_fraction": s.isna().sum() / len(s),
        }
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            got.update(
                num_zeros=int((values == 0).sum()),
                zero_fraction=(values == 0).sum() / len(s),
                min=values.min(),
                max=values.max(),
                mean=values.mean(),
                stddev=values.std(),
                quantiles=list(np.quantile(values, PROBS, method="inverted_cdf")),
                distinct=values.nunique(),
            )
            low, high = values.min(), values.max()
            if pd.api.types.is_integer_dtype(s) and high - low + 1 <= bins:
                edges = np.arange(low - 0.5, high + 1.0)
            else:
                edges = np.linspace(low, high, bins + 1)
            got["histogram"] = list(np.histogram(values, bins=edges)[0])
        elif pd.api.types.is_datetime64_any_dtype(s):
            got.update(min=values.min().isoformat(), max=values.max().isoformat())
            got["distinct"] = values.nunique()
        else:
            text = values.map(lambda x: str(x).lower() if isinstance(x, bool | np.bool_) else x)
            counts = text.value_counts()
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
            got["top_values"] = [{"value": k, "count": int(c)} for k, c in ranked]
            got["distinct"] = values.nunique()
        out[name] = got
    return out


def by_name(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in summary["columns"]}


def close(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return planted()


def check_against_brute(summary: dict[str, Any], df: pd.DataFrame) -> None:
    expected = brute(df)
    columns = by_name(summary)
    assert summary["row_count"] == N and list(columns) == list(df.columns)
    for name, want in expected.items():
        got = columns[name]
        for key, value in want.items():
            if key == "distinct":  # HyperLogLog: approximate
                assert abs(got["approx_num_distinct_values"] - value) <= 0.1 * value + 1, name
            elif key == "histogram":
                assert got["histogram"]["counts"] == value, name
            elif key in ("min", "max") and name == "ts":
                continue
            else:
                assert close(got[key], value if not hasattr(value, "item") else value.item()), (
                    name,
                    key,
                    got[key],
                    value,
                )


def test_overview_equals_a_brute_force_pandas_computation(df: pd.DataFrame) -> None:
    summary = v.overview(df)
    assert summary["engine"] == "duckdb"
    check_against_brute(summary, df)
    columns = by_name(summary)
    # the planted facts, spelled out
    assert columns["x"]["null_fraction"] == NULL_X / N
    assert columns["x"]["num_zeros"] == ZERO_X and columns["x"]["zero_fraction"] == ZERO_X / N
    k = columns["k"]["histogram"]  # one bin per value of a small integer range
    assert k["edges"] == [-0.5, 0.5, 1.5, 2.5, 3.5, 4.5] and k["counts"] == [150, 100, 80, 0, 70]
    assert columns["city"]["top_values"] == [
        {"value": c, "count": n} for c, n in CITY_COUNTS.items()
    ]
    assert columns["flag"]["top_values"] == [
        {"value": "true", "count": 300},
        {"value": "false", "count": 100},
    ]
    assert columns["ts"]["min"] == "2024-01-01T00:00:00"
    assert columns["city"]["histogram"] is None and columns["city"]["mean"] is None
    matrix = summary["correlations"]
    assert matrix["columns"] == ["x", "k", "label", "a", "b"]
    i, j = matrix["columns"].index("a"), matrix["columns"].index("b")
    assert matrix["matrix"][i][j] == pytest.approx(1.0) and matrix["matrix"][i][i] == 1.0
    pandas_corr = df[matrix["columns"]].corr()  # pairwise complete, as ours
    assert np.allclose(np.array(matrix["matrix"], dtype=float), pandas_corr.to_numpy())
    assert json.dumps(summary)  # JSON-able


def test_overview_reads_arrow_and_duckdb_alike(df: pd.DataFrame) -> None:
    import duckdb

    table = pa.Table.from_pandas(df, preserve_index=False)
    from_pandas = v.overview(df)
    for other in (v.overview(table), v.overview(duckdb.arrow(table))):
        for ours, theirs in zip(from_pandas["columns"], other["columns"], strict=True):
            assert {k: x for k, x in ours.items() if k != "type"} == {
                k: x for k, x in theirs.items() if k != "type"
            }


def test_overview_arguments_are_checked(df: pd.DataFrame) -> None:
    with pytest.raises(v.BadRule, match="bins=0"):
        v.overview(df, bins=0)
    with pytest.raises(v.BadRule, match="quantiles"):
        v.overview(df, quantiles=[1.5])
    assert v.overview(df, correlations=False)["correlations"] is None
    narrow = by_name(v.overview(df, bins=4, top=2))
    assert len(narrow["x"]["histogram"]["counts"]) == 4
    assert [e["value"] for e in narrow["city"]["top_values"]] == ["A", "B"]


@pytest.fixture(scope="module")
def spark(spark_engine: SparkEngine) -> Any:
    return spark_engine.session()


@pytest.mark.spark
def test_overview_on_spark_equals_pandas(spark: Any, df: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    # x's missing values as NaN on Spark (Spark keeps NaN a value; the overview does not)
    nan_x = pa.array(df["x"].to_numpy(), from_pandas=False)
    assert nan_x.null_count == 0 and np.isnan(nan_x.to_numpy()).sum() == NULL_X
    sdf = spark.createDataFrame(table.set_column(0, "x", nan_x))
    assert sdf.where("isnan(x)").count() == NULL_X
    ours, theirs = v.overview(sdf), v.overview(df)
    assert ours["engine"] == "spark"
    check_against_brute(ours, df)
    for got, want in zip(ours["columns"], theirs["columns"], strict=True):
        for key in want:
            if key not in ("type", "approx_num_distinct_values"):
                assert close(got[key], want[key]), (got["name"], key, got[key], want[key])
    assert np.allclose(
        np.array(ours["correlations"]["matrix"], dtype=float),
        np.array(theirs["correlations"]["matrix"], dtype=float),
    )
    assert by_name(ours)["x"]["num_null_values"] == NULL_X


RULES = (
    v.Rules()
    .not_null("x")
    .between("k", 0, 3)
    .balanced("label", 0.2)
    .drift("x")
    .drift("city")
    .row_count(1)
)


@pytest.fixture(scope="module")
def report(df: pd.DataFrame) -> v.Report:
    moved = df.copy()
    moved["x"] = moved["x"] + 3.0  # drifts
    return v.validate(moved, RULES, reference=df, overview=True)


def test_validate_keeps_the_overview_on_the_report(report: v.Report, df: pd.DataFrame) -> None:
    assert report.overview is not None and report.overview["row_count"] == N
    assert "overview" in report.timings_ms and "overview" in report.to_dict()
    assert "overview" not in v.validate(df, RULES, reference=df).to_dict()  # only when asked
    again = v.Report.from_dict(json.loads(report.to_json()))
    assert again.overview == report.overview


def test_figures_of_a_stored_report_are_the_same(report: v.Report) -> None:
    named = v.figures(report)
    stored = json.loads(report.to_json())
    assert v.figures(stored) == named  # from the dict
    assert v.figures(v.Report.from_dict(stored)) == named
    assert json.loads(json.dumps(named)) == named  # plain JSON
    assert set(named) >= {
        "rules",
        "null_fractions",
        "class_balance:label",
        "drift:x",
        "drift:city",
        "correlations",
        "histogram:x",
        "histogram:k",
        "top_values:city",
        "top_values:flag",
    }
    for figure in named.values():
        go.Figure(figure)  # plotly validates every property
    notebook = report.figures()
    assert set(notebook) == set(named)
    assert notebook["correlations"].to_plotly_json()["data"][0]["type"] == "heatmap"


def test_figures_show_the_planted_facts(report: v.Report) -> None:
    named = v.figures(report, labels=["city", "k"])
    nulls = named["null_fractions"]["data"][0]
    assert dict(zip(nulls["x"], nulls["y"], strict=True))["x"] == NULL_X / N
    balance = named["class_balance:label"]["data"][0]
    assert dict(zip(balance["x"], balance["y"], strict=True)) == {
        "0": (N - LABEL_ONES) / N,
        "1": LABEL_ONES / N,
    }
    assert named["class_balance:label"]["layout"]["shapes"][0]["y0"] == 0.2
    city = named["class_balance:city"]["data"][0]  # from the overview's top values
    assert dict(zip(city["x"], city["y"], strict=True)) == {
        c: n / (N - 20) for c, n in CITY_COUNTS.items()
    }
    k = named["class_balance:k"]["data"][0]  # from its one-bin-per-value histogram
    assert dict(zip(k["x"], k["y"], strict=True)) == {str(c): n / N for c, n in K_COUNTS.items()}
    drift = named["drift:x"]["data"]
    assert [t["name"] for t in drift] == ["reference", "current"]
    assert len(drift[0]["y"]) == len(drift[1]["y"]) == len(drift[0]["x"]) > 1
    assert sum(drift[0]["y"]) == pytest.approx(1.0) and sum(drift[1]["y"]) == pytest.approx(1.0)
    assert drift[1]["y"][-1] > drift[0]["y"][-1]  # shifted up: more in the top bin
    assert "drifted" in named["drift:x"]["layout"]["title"]["text"]
    heat = named["correlations"]["data"][0]
    i, j = heat["x"].index("a"), heat["x"].index("b")
    assert heat["z"][i][j] == pytest.approx(1.0)
    histogram = named["histogram:k"]["data"][0]
    assert histogram["x"] == [0.0, 1.0, 2.0, 3.0, 4.0] and histogram["y"] == [150, 100, 80, 0, 70]
    rules = {t["name"]: dict(zip(t["y"], t["x"], strict=True)) for t in named["rules"]["data"]}
    assert rules["failed"]["not_null(x)"] == NULL_X
    assert rules["failed"]["between(k, 0, 3)"] == K_COUNTS[4]
    assert "row_count(1)" in rules["passed"]


def test_figures_escape_user_text_and_work_without_an_overview(df: pd.DataFrame) -> None:
    odd = df.rename(columns={"city": "<b>city</b>"})
    report = v.validate(odd, v.Rules().not_null("<b>city</b>"))
    named = v.figures(report)
    assert set(named) == {"rules", "null_fractions"}  # from the rules' statistics
    assert named["null_fractions"]["data"][0]["x"] == ["&lt;b&gt;city&lt;/b&gt;"]
    assert named["null_fractions"]["data"][0]["y"] == [20 / N]
    assert "<b>" not in json.dumps(named)


def test_show_draws_the_table_and_every_figure(report: v.Report, ip: Any) -> None:
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        report.show()
    shown = [out.data for out in captured.outputs]
    assert "not_null(x)" in shown[0]["text/html"] and "❌" in shown[0]["text/html"]
    figures = [s["application/vnd.plotly.v1+json"] for s in shown[1:]]
    assert figures == list(v.figures(report).values())


# -- autoviz -------------------------------------------------------------------------


@pytest.fixture
def autovizwidget() -> Any:
    return pytest.importorskip(
        "autovizwidget",
        reason="autoviz needs sparkmagic's autovizwidget: pip install --no-deps "
        "autovizwidget==0.23.0 hdijupyterutils==0.23.0",
    )


def test_autoviz_on_pandas_limits_rows_and_draws_every_chart(
    df: pd.DataFrame, autovizwidget: Any
) -> None:
    import duckdb
    from autovizwidget.widget.autovizwidget import AutoVizWidget
    from autovizwidget.widget.encoding import Encoding

    widget = v.autoviz(df, max_rows=100)
    assert isinstance(widget, AutoVizWidget)
    assert len(widget.df) == 100 and list(widget.df.columns) == list(df.columns)
    assert "first 100 rows" in widget.children[0].value  # it says so
    assert len(v.autoviz(df).df) == N and not hasattr(v.autoviz(df).children[0], "value")
    table = pa.Table.from_pandas(df, preserve_index=False)
    assert len(v.autoviz(table, max_rows=7).df) == 7
    assert len(v.autoviz(duckdb.arrow(table), max_rows=7).df) == 7
    with pytest.raises(v.BadSource, match="autoviz draws"):
        v.autoviz([1, 2, 3])
    # autovizwidget aggregates the whole frame: a sum needs every column summable
    widget = v.autoviz(df[["city", "x", "label"]], max_rows=100)
    widget.encoding.x, widget.encoding.y = "city", "x"
    widget.encoding.y_aggregation = Encoding.y_agg_sum
    drawn = {}
    for chart in ("Table", "Pie", "Scatter", "Line", "Area", "Bar"):
        widget.encoding.chart_type = chart
        widget.on_render_viz()
        drawn[chart] = widget.renderer.last
    assert drawn["Table"] is None  # an HTML table, as sparkmagic's
    assert {c: drawn[c].data[0].type for c in drawn if c != "Table"} == {
        "Pie": "pie",
        "Scatter": "scatter",
        "Line": "scatter",
        "Area": "scatter",
        "Bar": "bar",
    }
    # a chart it cannot draw says why in the widget, as sparkmagic's (no exception)
    full = v.autoviz(df, max_rows=100)
    full.encoding.x, full.encoding.y = "city", "x"
    full.encoding.y_aggregation, full.encoding.chart_type = Encoding.y_agg_sum, "Pie"
    full.on_render_viz()  # a timestamp column cannot be summed
    assert full.renderer.last is None
    sums = widget.df.groupby("city")["x"].sum()
    bar = drawn["Bar"].data[0]
    assert dict(zip(bar.x, bar.y, strict=True)) == pytest.approx(sums.to_dict())


@pytest.mark.spark
def test_autoviz_on_spark_brings_only_max_rows(
    spark: Any, df: pd.DataFrame, autovizwidget: Any
) -> None:
    from autovizwidget.widget.autovizwidget import AutoVizWidget

    sdf = spark.createDataFrame(pa.Table.from_pandas(df, preserve_index=False))
    widget = v.autoviz(sdf, max_rows=50)
    assert isinstance(widget, AutoVizWidget) and len(widget.df) == 50
    assert "first 50 rows" in widget.children[0].value
    whole = v.autoviz(sdf.limit(30), max_rows=50)
    assert len(whole.df) == 30 and not hasattr(whole.children[0], "value")
    with pytest.raises(v.BadSource, match="max_rows"):
        v.autoviz(sdf, max_rows=0)


def test_categorical_drift_with_every_share_draws_every_value(report: v.Report) -> None:
    stored = json.loads(report.to_json())
    city = next(r for r in stored["results"] if r["name"].startswith("drift(city"))
    # today's drift details keep the value that moved most; with both sides' shares
    # (a dict per side) the overlay draws every value of either side
    city["details"] = {
        "method": "linf",
        "threshold": 0.1,
        "reference": {"A": 0.5, "B": 0.5},
        "current": {"A": 0.2, "C": 0.8},
    }
    drift = v.figures(stored)["drift:city"]["data"]
    assert [(t["name"], t["x"], t["y"]) for t in drift] == [
        ("reference", ["A", "B", "C"], [0.5, 0.5, 0.0]),
        ("current", ["A", "B", "C"], [0.2, 0.0, 0.8]),
    ]
    largest = v.figures(report)["drift:city"]["data"]  # as validate reports it now
    assert [t["name"] for t in largest] == ["reference", "current"] and len(largest[0]["x"]) == 1
